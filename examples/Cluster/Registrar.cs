using Akka.Actor;

namespace Shm.Examples.Cluster;

/// <summary>
/// Registers this worker with the coordinator, again every 200 ms until it answers: the first message to a node can
/// precede the link to it, and a registration is idempotent at the coordinator.
/// </summary>
internal sealed class Registrar : ReceiveActor, IWithTimers
{
    private static readonly TimeSpan s_interval = TimeSpan.FromMilliseconds(200);

    private sealed record Send;

    public ITimerScheduler Timers { get; set; } = null!;

    public Registrar(string coordinatorPath, RegisterWorker registration)
    {
        ActorSelection coordinator = Context.ActorSelection(coordinatorPath);
        Receive<Send>(_ => coordinator.Tell(registration, Self));
        Receive<WorkerRegistered>(registered =>
        {
            if (registered.Incarnation == registration.Incarnation)
                Context.Stop(Self);
        });
    }

    protected override void PreStart()
    {
        Self.Tell(new Send());
        Timers.StartPeriodicTimer("register", new Send(), s_interval);
    }
}
