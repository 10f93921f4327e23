using System.Globalization;
using Akka.Actor;
using Akka.Event;
using Shm.Primitives;

namespace Shm.Transport.Remote;

/// <summary>
/// The <c>Sender</c> an actor sees for an Ask that came from another node through its response slot: the first message
/// told to it is the reply, serialized straight into that slot (no temporary actor, no trip through the asker's
/// inbox); later ones are dead letters. Its path (<c>/temp/shm-asks/{id}</c>) resolves back to it on this node, so
/// the ask can be forwarded and answered from anywhere.
/// </summary>
internal sealed class ResponseSlotRef(ResponseSlots slots, RequestId id) : MinimalActorRef
{
    private ActorPath? _path;
    private int _replied;

    /// <inheritdoc />
    public override ActorPath Path => _path ??= slots.Path / id.Value.ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public override IActorRefProvider Provider => slots.Provider;

    /// <inheritdoc />
    protected override void TellInternal(object message, IActorRef sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Interlocked.Exchange(ref _replied, 1) == 0)
            slots.Reply(id, message, this);
        else
            slots.Provider.DeadLetters.Tell(new DeadLetter(message, sender ?? ActorRefs.NoSender, this), sender ?? ActorRefs.NoSender);
    }
}
