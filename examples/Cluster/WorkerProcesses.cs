namespace Shm.Examples.Cluster;

/// <summary>
/// The worker children of one run, by node name: started by the coordinator, killed by its chaos step, replaced when
/// DeathWatch reports one dead (the coordinator actor calls these, so they are locked), all stopped at the end.
/// </summary>
internal sealed class WorkerProcesses(ClusterSettings settings, string system, string coordinatorAddress) : IDisposable
{
    private readonly Dictionary<string, WorkerProcess> _processes = [];

    public void Start(string node)
    {
        lock (_processes)
        {
            _processes.Remove(node, out WorkerProcess? old);
            old?.Dispose(); // a dead one: reaped at once
            _processes[node] = WorkerProcess.Start(settings, system, node, coordinatorAddress);
        }
    }

    /// <summary>SIGKILLs <paramref name="node"/>'s process; its pid.</summary>
    public int Kill(string node)
    {
        lock (_processes)
        {
            WorkerProcess victim = _processes[node];
            victim.Kill();
            return victim.Pid;
        }
    }

    /// <summary>Asks every worker to leave, then waits for them all (they leave in parallel).</summary>
    public void Dispose()
    {
        lock (_processes)
        {
            foreach (WorkerProcess worker in _processes.Values)
                worker.RequestStop();
            foreach (WorkerProcess worker in _processes.Values)
                worker.Dispose();
            _processes.Clear();
        }
    }
}
