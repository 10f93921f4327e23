using System.Diagnostics;

namespace Shm.TestKit.MultiNode;

/// <summary>A node in a child process (see <see cref="MultiNodeCluster.StartProcess"/>): kill it, stop it, or let it leave.</summary>
public sealed class NodeProcess : IDisposable
{
    private NodeProcess(Process process) => Process = process;

    /// <summary>The child process.</summary>
    public Process Process { get; }

    /// <summary>Its process id.</summary>
    public int Pid => Process.Id;

    /// <summary>Starts <c>dotnet <paramref name="programDll"/> <paramref name="args"/></c> and waits (1 minute) for it to print "ready".</summary>
    /// <exception cref="InvalidOperationException">It ended or printed something else first (its error output is in the message).</exception>
    public static NodeProcess Start(string programDll, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(programDll);
        foreach (string argument in args)
            psi.ArgumentList.Add(argument);
        var started = new NodeProcess(Process.Start(psi)!);
        Task<string?> line = started.Process.StandardOutput.ReadLineAsync();
        if (!line.Wait(TimeSpan.FromMinutes(1)) || line.Result != "ready")
        {
            if (!started.Process.HasExited)
                started.Process.Kill();
            string error = started.Process.StandardError.ReadToEnd();
            started.Process.Dispose();
            throw new InvalidOperationException($"Node process {programDll} {string.Join(' ', args)} did not start: {error}");
        }
        return started;
    }

    /// <summary>kill -9, and waits until the process is gone.</summary>
    public void Kill()
    {
        Process.Kill();
        Process.WaitForExit();
    }

    /// <summary>Stops it (SIGSTOP) and returns once every thread of it is stopped (see <see cref="ProcessPause"/>).</summary>
    public void Pause() => ProcessPause.Pause(Pid);

    /// <summary>Continues it (SIGCONT).</summary>
    public void Resume() => ProcessPause.Resume(Pid);

    /// <summary>Closes its standard input (the node leaves cleanly) and waits up to <paramref name="timeout"/> for it to exit.</summary>
    public bool Leave(TimeSpan timeout)
    {
        Process.StandardInput.Close();
        return Process.WaitForExit(timeout);
    }

    /// <summary>Kills the process if it still runs.</summary>
    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
                Process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        Process.Dispose();
    }
}
