using System.Runtime.CompilerServices;

namespace Shm.Chaos;

/// <summary>
/// The surviving side of a scenario: threads of the campaign process that keep operating on the structure while
/// victims live and die beside them. A step that throws ends the run with the failure recorded (a survivor must
/// never see anything but success, "nothing now" or a documented outcome).
/// </summary>
public sealed class Survivors : IDisposable
{
    private const int StepsBetweenPauses = 32;
    private readonly List<(Thread Thread, StrongBox<bool> Stop)> _threads = [];
    private readonly List<Exception> _failures = [];

    /// <summary>Starts one thread per step; each step is one operation with a short timeout. Paced so two cores stay usable.</summary>
    public void Start(params (string Name, Action Step)[] steps)
    {
        if (_threads.Count != 0)
            throw new InvalidOperationException("survivors already running");
        foreach ((string name, Action step) in steps)
        {
            var stop = new StrongBox<bool>();
            var thread = new Thread(() => Loop(step, stop)) { IsBackground = true, Name = name };
            _threads.Add((thread, stop));
            thread.Start();
        }
    }

    private void Loop(Action step, StrongBox<bool> stop)
    {
        try
        {
            int n = 0;
            while (!Volatile.Read(ref stop.Value))
            {
                step();
                if (++n % StepsBetweenPauses == 0)
                    Thread.Sleep(1); // pacing, not synchronisation: leaves CPU to the victim and to other users of the box
            }
        }
        catch (Exception e)
        {
            lock (_failures)
                _failures.Add(new InvalidOperationException($"survivor '{Thread.CurrentThread.Name}' failed: {e.GetType().Name}: {e.Message}", e));
        }
    }

    /// <summary>
    /// Stops the threads in the reverse order of their start (a ReqRep client before the server that answers it), each
    /// finishing its current operation, and reports the first failure.
    /// </summary>
    public void Stop(TimeSpan timeout)
    {
        for (int i = _threads.Count - 1; i >= 0; i--)
        {
            (Thread thread, StrongBox<bool> stop) = _threads[i];
            Volatile.Write(ref stop.Value, true);
            if (!thread.Join(timeout))
                throw new TimeoutException($"survivor '{thread.Name}' did not finish its operation in {timeout.TotalSeconds:0} s (wedged)");
        }
        _threads.Clear();
        lock (_failures)
        {
            if (_failures.Count > 0)
                throw _failures[0];
        }
    }

    public void Dispose()
    {
        foreach ((Thread thread, StrongBox<bool> stop) in _threads)
            Volatile.Write(ref stop.Value, true);
        foreach ((Thread thread, _) in _threads)
            thread.Join(TimeSpan.FromSeconds(30));
    }
}
