using Akka.Actor;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// A ref that answers every message on the sender's own thread, inside the <c>Tell</c>: an Ask to it costs Akka's
/// <c>Ask</c> machinery (its timeout's timer, the temporary future ref and its registration, the task's continuation)
/// and nothing else: the floor under any ask, local or remote.
/// </summary>
internal sealed class InlineEcho(ExtendedActorSystem system) : MinimalActorRef
{
    public override ActorPath Path { get; } = new RootActorPath(system.Provider.DefaultAddress) / "user" / "inline-echo";

    public override IActorRefProvider Provider => system.Provider;

    protected override void TellInternal(object message, IActorRef sender) => sender.Tell(message, this);
}
