using Shm.Actors.Internal;

namespace Shm.TestKit;

/// <summary>
/// An extra test actor with the whole expectation API: stands in for a collaborator of the actor under test. A probe is
/// itself an <see cref="IActorRef"/> (its <see cref="Ref"/>): pass it to the actor under test, watch it, tell it. A probe
/// is never an implicit sender; use <see cref="Send"/> to send as the probe.
/// </summary>
public sealed class TestProbe : TestKitBase, IActorRef, IWrappedActorRef
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

    /// <summary>The probe's path (that of <see cref="Ref"/>).</summary>
    public ActorPath Path => Ref.Path;

    IActorRef IWrappedActorRef.Underlying => Ref;

    /// <summary>Sends to the probe, as <see cref="Ref"/>.Tell does.</summary>
    public void Tell(object message, IActorRef? sender) => Ref.Tell(message, sender);

    /// <summary>Equal to its <see cref="Ref"/> and to other wrappers of it.</summary>
    public bool Equals(IActorRef? other) => Ref.Equals(other is IWrappedActorRef w ? w.Underlying : other);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Ref.GetHashCode();

    /// <summary>Orders as its <see cref="Ref"/>.</summary>
    public int CompareTo(IActorRef? other) => Ref.CompareTo(other is IWrappedActorRef w ? w.Underlying : other);

    /// <inheritdoc />
    public override string ToString() => $"TestProbe({Ref.Path})";
}
