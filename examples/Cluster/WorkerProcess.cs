using System.Diagnostics;
using System.Globalization;

namespace Shm.Examples.Cluster;

/// <summary>
/// A worker child: this same program with <c>--worker SYSTEM NODE --transport T --coordinator ADDRESS</c>. Closing its
/// standard input ends it.
/// </summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;

    private WorkerProcess(string node, Process process)
    {
        Node = node;
        _process = process;
    }

    public string Node { get; }

    public int Pid => _process.Id;

    public static WorkerProcess Start(ClusterSettings settings, string system, string node, string coordinatorAddress)
    {
        // Run as we were run: the app host directly, or "dotnet Cluster.dll".
        string self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(WorkerProcess).Assembly.Location);
        string transport = settings.Transport == ClusterTransport.Tcp ? "tcp" : "shm";
        foreach (string arg in new[] { "--worker", system, node, "--transport", transport, "--coordinator", coordinatorAddress })
            start.ArgumentList.Add(arg);
        if (settings.WorkerStartDelay > TimeSpan.Zero)
        {
            start.ArgumentList.Add("--worker-start-delay");
            start.ArgumentList.Add(((int)settings.WorkerStartDelay.TotalMilliseconds).ToString(CultureInfo.InvariantCulture));
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start worker {node}.");
        process.OutputDataReceived += (_, _) => { }; // drained so the child never blocks on a full pipe
        process.BeginOutputReadLine();
        return new WorkerProcess(node, process);
    }

    /// <summary>kill -9 (Process.Kill sends SIGKILL on Linux).</summary>
    public void Kill() => _process.Kill();

    /// <summary>Asks it to leave (closes its standard input), without waiting.</summary>
    public void RequestStop()
    {
        try
        {
            if (!_process.HasExited)
                _process.StandardInput.Close();
        }
        catch (Exception error) when (error is InvalidOperationException or IOException)
        {
            // Gone already.
        }
    }

    /// <summary>Waits for it to leave; kills it if it does not within <paramref name="timeout"/>.</summary>
    public void WaitForExit(TimeSpan timeout)
    {
        try
        {
            if (!_process.WaitForExit(timeout))
                _process.Kill();
            _process.WaitForExit(timeout);
        }
        catch (InvalidOperationException)
        {
        }
    }

    public void Dispose()
    {
        RequestStop();
        WaitForExit(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
