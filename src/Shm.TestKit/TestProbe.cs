namespace Shm.TestKit;

/// <summary>
/// An extra test actor with the whole expectation API: stands in for a collaborator of the actor under test. A probe is
/// never an implicit sender; use <see cref="Send"/> to send as the probe.
/// </summary>
public sealed class TestProbe : TestKitBase
{
    internal TestProbe(ActorSystem system, string? name) : base(system, name is null ? null : "probe-" + name) { }

    /// <summary>The probe's ref (pass it where the actor under test expects a collaborator).</summary>
    public IActorRef Ref => TestActor;

    /// <summary>The sender of the message received last.</summary>
    public IActorRef Sender => LastSender;

    /// <summary>Sends <paramref name="message"/> to <paramref name="target"/> with the probe as sender.</summary>
    public void Send(IActorRef target, object message)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Tell(message, Ref);
    }

    /// <summary>Forwards <paramref name="message"/> (default: the last one received) to <paramref name="target"/>, keeping the last sender.</summary>
    public void Forward(IActorRef target, object? message = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        object toSend = message ?? LastMessage ?? throw new InvalidOperationException("The probe has not received a message to forward yet.");
        target.Tell(toSend, LastSender);
    }

    /// <summary>Replies to the sender of the message received last, with the probe as sender.</summary>
    public void Reply(object message) => LastSender.Tell(message, Ref);

    /// <summary>Creates an actor as a top-level actor supervised by the system (Akka creates it under the probe; this runtime's probes cannot supervise).</summary>
    public IActorRef ChildActorOf(Props props, string? name = null) => Sys.ActorOf(props, name);

    /// <inheritdoc />
    public override string ToString() => $"TestProbe({Ref.Path})";
}
