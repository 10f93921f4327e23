using System.Diagnostics;

namespace Shm.Examples.Cluster;

/// <summary>A worker child: this same program with <c>--worker SYSTEM NODE</c>. Closing its standard input ends it.</summary>
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

    public static WorkerProcess Start(string system, string node, TimeSpan startDelay)
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
        foreach (string arg in new[] { "--worker", system, node })
            start.ArgumentList.Add(arg);
        if (startDelay > TimeSpan.Zero)
        {
            start.ArgumentList.Add("--worker-start-delay");
            start.ArgumentList.Add(((int)startDelay.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start worker {node}.");
        process.OutputDataReceived += (_, _) => { }; // drained so the child never blocks on a full pipe
        process.BeginOutputReadLine();
        return new WorkerProcess(node, process);
    }

    /// <summary>kill -9.</summary>
    public void Kill() => _process.Kill();

    /// <summary>Asks it to leave (closes its standard input) and waits; kills it if it does not.</summary>
    public void Stop(TimeSpan timeout)
    {
        try
        {
            if (!_process.HasExited)
                _process.StandardInput.Close();
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
        Stop(TimeSpan.FromSeconds(10));
        _process.Dispose();
    }
}
