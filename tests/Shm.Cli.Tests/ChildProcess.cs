using System.Diagnostics;

namespace Shm.Cli.Tests;

/// <summary>This test assembly started as a child process in one role of <see cref="Program"/>; killed on dispose.</summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    private ChildProcess(Process process) => Process = process;

    public Process Process { get; }

    public int Pid => Process.Id;

    /// <summary>Starts the child and waits for its "ready" line.</summary>
    public static ChildProcess StartReady(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (string arg in args)
            start.ArgumentList.Add(arg);
        var child = new ChildProcess(Process.Start(start)!);
        Task<string?> line = child.Process.StandardOutput.ReadLineAsync();
        if (!line.Wait(s_patience) || line.Result != "ready")
        {
            child.Dispose();
            throw new InvalidOperationException($"child {args[0]} did not get ready: {line.Status} {(line.IsCompletedSuccessfully ? line.Result : "")}");
        }
        return child;
    }

    /// <summary>SIGKILL, then wait until the kernel has reaped it (so it is no zombie that still counts as a process).</summary>
    public void Kill()
    {
        Process.Kill();
        if (!Process.WaitForExit(s_patience))
            throw new TimeoutException($"child {Pid} did not die");
    }

    public void Dispose()
    {
        if (!Process.HasExited)
            Kill();
        Process.Dispose();
    }
}
