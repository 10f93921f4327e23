using System.Diagnostics;
using System.Text;

namespace Shm.TestKit;

/// <summary>
/// A node of an actor system in a child process, as a test drives it: started, killed (SIGKILL), stopped (SIGSTOP),
/// either at once or when it reaches a named fault point (<see cref="NodeControl.FaultPoint"/>), or let leave. Its
/// standard output (after "ready") and standard error are collected as it writes them.
/// </summary>
/// <example><code>
/// using NodeProcess worker = NodeProcess.Start(workerDll, system, "worker-1");
/// worker.KillAt("job-in-hand");                  // SIGKILL once the child's turn is at that point
/// </code></example>
public sealed class NodeProcess : IDisposable
{
    /// <summary>The line a child prints when it reaches a fault point: this, a space, the point's name.</summary>
    internal const string FaultPointPrefix = "fault-point ";

    /// <summary>The line a test writes to a child's standard input to let it go on from a fault point.</summary>
    internal const string ContinuePrefix = "continue ";

    private static readonly TimeSpan s_defaultWait = TimeSpan.FromMinutes(1);
    private readonly List<string> _output = [];
    private readonly StringBuilder _error = new();
    private readonly object _gate = new(); // a monitor: AwaitLine waits on it for new lines
    private readonly Task _outputDone;

    // Both pipes are drained as the child writes: a child whose log filled an unread pipe would block in a write.
    private NodeProcess(Process process, TaskCompletionSource<bool> ready)
    {
        Process = process;
        _outputDone = Task.Run(() => ReadOutputAsync(ready));
        _ = Task.Run(ReadErrorAsync);
    }

    /// <summary>The child process.</summary>
    public Process Process { get; }

    /// <summary>Its process id.</summary>
    public int Pid => Process.Id;

    /// <summary>The lines it printed on standard output after "ready", so far (fault points included).</summary>
    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_gate)
                return [.. _output];
        }
    }

    /// <summary>What it wrote to standard error so far (the log of its actor system).</summary>
    public string ErrorOutput
    {
        get
        {
            lock (_gate)
                return _error.ToString();
        }
    }

    /// <summary>
    /// Starts <c>dotnet <paramref name="programDll"/> <paramref name="args"/></c> and waits (1 minute) for it to print
    /// "ready" (<see cref="NodeControl.Ready"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">It ended or printed something else first (its error output is in the message).</exception>
    public static NodeProcess Start(string programDll, params string[] args)
    {
        ArgumentException.ThrowIfNullOrEmpty(programDll);
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
        var process = Process.Start(psi)!;
        var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new NodeProcess(process, ready);
        if (!ready.Task.Wait(s_defaultWait) || !ready.Task.Result)
        {
            if (!process.HasExited)
                process.Kill();
            process.WaitForExit();
            string error = started.ErrorOutput;
            process.Dispose();
            throw new InvalidOperationException($"Node process {programDll} {string.Join(' ', args)} did not start: {error}");
        }
        return started;
    }

    /// <summary>Waits (default 1 minute) until a line it printed after "ready" matches <paramref name="match"/>; returns that line.</summary>
    /// <exception cref="TimeoutException">No such line came in time, or the process ended first (its error output is in the message).</exception>
    public string AwaitLine(Func<string, bool> match, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(match);
        TimeSpan wait = timeout ?? s_defaultWait;
        var clock = Stopwatch.StartNew();
        int seen = 0;
        while (true)
        {
            lock (_gate)
            {
                for (; seen < _output.Count; seen++)
                {
                    if (match(_output[seen]))
                        return _output[seen];
                }
                if (_outputDone.IsCompleted && seen == _output.Count)
                    throw new TimeoutException($"Node process {Pid} ended without printing the line awaited: {_error}");
                TimeSpan left = wait - clock.Elapsed;
                if (left <= TimeSpan.Zero)
                    throw new TimeoutException($"Node process {Pid} did not print the line awaited within {wait}.");
                Monitor.Wait(_gate, left > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : left);
            }
        }
    }

    /// <summary>Waits (default 1 minute) until it reaches the fault point <paramref name="name"/>, where it waits for the test.</summary>
    /// <exception cref="TimeoutException">It did not get there in time.</exception>
    public void AwaitFaultPoint(string name, TimeSpan? timeout = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        string line = FaultPointPrefix + name;
        AwaitLine(l => l == line, timeout);
    }

    /// <summary>Waits until it reaches the fault point <paramref name="name"/>, then kills it with SIGKILL (see <see cref="Kill"/>).</summary>
    public void KillAt(string name, TimeSpan? timeout = null)
    {
        AwaitFaultPoint(name, timeout);
        Kill();
    }

    /// <summary>
    /// Waits until it reaches the fault point <paramref name="name"/>, stops it there (SIGSTOP, every thread), and lets
    /// the point go: once <see cref="Resume"/>d it runs on from that point.
    /// </summary>
    public void PauseAt(string name, TimeSpan? timeout = null)
    {
        AwaitFaultPoint(name, timeout);
        Pause();
        Continue(name);
    }

    /// <summary>Lets it go on from the fault point <paramref name="name"/> it waits at.</summary>
    public void Continue(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Process.StandardInput.WriteLine(ContinuePrefix + name);
        Process.StandardInput.Flush();
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

    /// <summary>Closes its standard input (the node leaves cleanly, <see cref="NodeControl.Left"/>) and waits up to <paramref name="timeout"/> for it to exit.</summary>
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

    private async Task ReadOutputAsync(TaskCompletionSource<bool> ready)
    {
        string? first = await Process.StandardOutput.ReadLineAsync();
        ready.TrySetResult(first == "ready");
        if (first != "ready")
            return;
        while (await Process.StandardOutput.ReadLineAsync() is { } line)
            Received(line);
    }

    private async Task ReadErrorAsync()
    {
        char[] buffer = new char[4096];
        int read;
        while ((read = await Process.StandardError.ReadAsync(buffer)) > 0)
        {
            lock (_gate)
                _error.Append(buffer, 0, read);
        }
    }

    private void Received(string line)
    {
        lock (_gate)
        {
            _output.Add(line);
            Monitor.PulseAll(_gate);
        }
    }
}
