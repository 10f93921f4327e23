using System.Collections.Concurrent;
using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>
/// Runs registered shutdown tasks phase by phase before the actor system stops (Akka's <c>CoordinatedShutdown</c>).
/// The tasks of one phase run concurrently; the next phase starts when all of them completed or the phase timeout
/// (<see cref="ActorSystemSettings.CoordinatedShutdownPhaseTimeout"/>) passed. A failed or late task is logged and the
/// shutdown goes on. The last phase, <see cref="PhaseActorSystemTerminate"/>, stops the actors in order and terminates the
/// system. <see cref="ActorSystem.Terminate"/> runs it; so does process exit when
/// <see cref="ActorSystemSettings.RunCoordinatedShutdownOnProcessExit"/> is on. Thread-safe.
/// </summary>
/// <example><code>
/// CoordinatedShutdown.Get(system).AddTask(CoordinatedShutdown.PhaseServiceUnbind, "close-listener", async () =>
/// {
///     await listener.CloseAsync();
///     return Done.Instance;
/// });
/// </code></example>
public sealed class CoordinatedShutdown
{
    /// <summary>The first phase.</summary>
    public const string PhaseBeforeServiceUnbind = "before-service-unbind";

    /// <summary>Stop accepting new incoming requests.</summary>
    public const string PhaseServiceUnbind = "service-unbind";

    /// <summary>Wait for requests in progress to complete.</summary>
    public const string PhaseServiceRequestsDone = "service-requests-done";

    /// <summary>Final shutdown of service endpoints.</summary>
    public const string PhaseServiceStop = "service-stop";

    /// <summary>Before the cluster phases.</summary>
    public const string PhaseBeforeClusterShutdown = "before-cluster-shutdown";

    /// <summary>Hand off shard regions (cluster sharding).</summary>
    public const string PhaseClusterShardingShutdownRegion = "cluster-sharding-shutdown-region";

    /// <summary>Leave the cluster gracefully.</summary>
    public const string PhaseClusterLeave = "cluster-leave";

    /// <summary>Wait for the exiting state to propagate.</summary>
    public const string PhaseClusterExiting = "cluster-exiting";

    /// <summary>Exiting has been confirmed.</summary>
    public const string PhaseClusterExitingDone = "cluster-exiting-done";

    /// <summary>Shut down the cluster extension.</summary>
    public const string PhaseClusterShutdown = "cluster-shutdown";

    /// <summary>The last phase where user tasks make sense.</summary>
    public const string PhaseBeforeActorSystemTerminate = "before-actor-system-terminate";

    /// <summary>Stops the actors (children before parents) and terminates the system.</summary>
    public const string PhaseActorSystemTerminate = "actor-system-terminate";

    private static readonly string[] s_phases =
    [
        PhaseBeforeServiceUnbind, PhaseServiceUnbind, PhaseServiceRequestsDone, PhaseServiceStop, PhaseBeforeClusterShutdown,
        PhaseClusterShardingShutdownRegion, PhaseClusterLeave, PhaseClusterExiting, PhaseClusterExitingDone, PhaseClusterShutdown,
        PhaseBeforeActorSystemTerminate, PhaseActorSystemTerminate,
    ];

    private readonly ActorSystemImpl _system;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<(string Name, Func<Task<Done>> Task)>> _tasks = new();
    private readonly object _runLock = new();
    private Task<Done>? _run;

    internal CoordinatedShutdown(ActorSystemImpl system) => _system = system;

    /// <summary>The shutdown of <paramref name="system"/> (one per system).</summary>
    public static CoordinatedShutdown Get(ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return ((ActorSystemImpl)system).CoordinatedShutdown;
    }

    /// <summary>The phases in the order they run.</summary>
    public IReadOnlyList<string> Phases => s_phases;

    internal static IReadOnlyList<string> PhaseOrder => s_phases;

    /// <summary>Why the shutdown runs, or null while it has not started.</summary>
    public CoordinatedShutdownReason? ShutdownReason { get; private set; }

    /// <summary>
    /// Adds a task to <paramref name="phase"/>. Tasks added after their phase has started do not run.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="phase"/> is not one of <see cref="Phases"/>.</exception>
    public void AddTask(string phase, string taskName, Func<Task<Done>> task)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentException.ThrowIfNullOrEmpty(taskName);
        if (Array.IndexOf(s_phases, phase) < 0)
            ThrowHelper.ThrowUnknownPhase(phase, nameof(phase));
        _tasks.GetOrAdd(phase, _ => new()).Enqueue((taskName, task));
    }

    /// <summary>
    /// Runs the phases from <paramref name="fromPhase"/> (default: the first) to the end, once: later calls return the same
    /// task. Completes when the system has terminated.
    /// </summary>
    public Task<Done> Run(CoordinatedShutdownReason reason, string? fromPhase = null)
    {
        ArgumentNullException.ThrowIfNull(reason);
        lock (_runLock)
        {
            if (_run is not null) return _run;
            int first = fromPhase is null ? 0 : Array.IndexOf(s_phases, fromPhase);
            if (first < 0) ThrowHelper.ThrowUnknownPhase(fromPhase, nameof(fromPhase));
            ShutdownReason = reason;
            _run = Task.Run(() => RunPhases(first));
            return _run;
        }
    }

    private async Task<Done> RunPhases(int first)
    {
        TimeSpan timeout = _system.Settings.CoordinatedShutdownPhaseTimeout;
        for (int i = first; i < s_phases.Length; i++)
        {
            string phase = s_phases[i];
            var running = new List<(string Name, Task<Done> Task)>();
            if (_tasks.TryGetValue(phase, out var queue))
            {
                foreach ((string name, Func<Task<Done>> start) in queue)
                {
                    Task<Done> started;
                    try
                    {
                        started = start();
                    }
                    catch (Exception e)
                    {
                        started = Task.FromException<Done>(e);
                    }
                    running.Add((name, started));
                }
            }
            if (phase == PhaseActorSystemTerminate) running.Add(("terminate-actor-system", TerminateSystem()));
            if (running.Count == 0) continue;
            Task all = Task.WhenAll(running.Select(r => r.Task));
            if (await Task.WhenAny(all, Task.Delay(timeout)).ConfigureAwait(false) != all)
                _system.Log.Warning("Coordinated shutdown phase [{0}] timed out after {1}; pending: {2}", phase, timeout, string.Join(", ", running.Where(r => !r.Task.IsCompleted).Select(r => r.Name)));
            foreach ((string name, Task<Done> task) in running.Where(r => r.Task.IsFaulted))
                _system.Log.Warning(task.Exception!.InnerException!, "Coordinated shutdown task [{0}] of phase [{1}] failed: {2}", name, phase, task.Exception.InnerException!.Message);
        }
        return Done.Instance;
    }

    private async Task<Done> TerminateSystem()
    {
        await _system.TerminateActors().ConfigureAwait(false);
        return Done.Instance;
    }
}
