namespace Shm.Actors.Tests;

/// <summary>Replies to every message with the same message.</summary>
public sealed class EchoActor : ReceiveActor
{
    public EchoActor() => ReceiveAny(m => Sender.Tell(m));
}

/// <summary>Forwards every message it receives, with its sender, to a target (a probe).</summary>
public sealed class ForwardingActor : ReceiveActor
{
    public ForwardingActor(IActorRef target) => ReceiveAny(m => target.Forward(m));
}

/// <summary>Reports its lifecycle hooks to a probe and throws when told an exception.</summary>
public sealed class LifecycleActor : ReceiveActor
{
    private readonly IActorRef _probe;
    private readonly string _id;

    public LifecycleActor(IActorRef probe, string id = "a")
    {
        _probe = probe;
        _id = id;
        _probe.Tell($"{_id}:ctor");
        Receive<Exception>(e => throw e);
        Receive<string>(s => s == "children", _ => Sender.Tell(Context.GetChildren().Count()));
        Receive<Props>(p => Sender.Tell(Context.ActorOf(p)));
        ReceiveAny(m => _probe.Tell($"{_id}:got:{m}"));
    }

    protected override void PreStart() => _probe.Tell($"{_id}:preStart");

    protected override void PostStop() => _probe.Tell($"{_id}:postStop");

    protected override void PreRestart(Exception reason, object? message)
    {
        _probe.Tell($"{_id}:preRestart:{reason.Message}");
        base.PreRestart(reason, message);
    }

    protected override void PostRestart(Exception reason)
    {
        _probe.Tell($"{_id}:postRestart:{reason.Message}");
        base.PostRestart(reason);
    }
}

/// <summary>A counter whose state shows whether an instance survived (Resume) or was replaced (Restart).</summary>
public sealed class StatefulActor : ReceiveActor
{
    private int _count;

    public StatefulActor()
    {
        Receive<Exception>(e => throw e);
        Receive<string>(s => s == "inc", _ => _count++);
        Receive<string>(s => s == "get", _ => Sender.Tell(_count));
    }
}

/// <summary>A supervisor with a given strategy whose children are made on request.</summary>
public sealed class Supervisor : ReceiveActor
{
    private readonly SupervisorStrategy _strategy;

    public Supervisor(SupervisorStrategy strategy)
    {
        _strategy = strategy;
        Receive<Props>(p => Sender.Tell(Context.ActorOf(p)));
        Receive<(Props Props, string Name)>(p => Sender.Tell(Context.ActorOf(p.Props, p.Name)));
    }

    protected override SupervisorStrategy SupervisorStrategy() => _strategy;
}
