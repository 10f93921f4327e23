using Shm.Actors;
using Shm.Actors.Internal;
using Shm.Primitives;

namespace Shm.Transport.Remoting;

/// <summary>
/// The <c>Sender</c> an actor sees for an Ask from another node: bound to the asker's response slot and its
/// generation (<paramref name="id"/>). The first message told to it is the reply, written straight into that slot;
/// later ones are dead letters. A reply after the asker gave up is rejected by the slot's generation check and counted.
/// It answers only from this node: sent to a third node inside a message it is not resolvable there.
/// </summary>
internal sealed class AskReplyRef(ShmTransportNode node, RequestId id) : MinimalActorRef
{
    private ActorPath? _path;
    private int _replied;

    public override ActorPath Path => _path ??= node.TempPath();

    public override bool IsTerminated => Volatile.Read(ref _replied) != 0;

    public override void Tell(object message, IActorRef? sender)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (Interlocked.Exchange(ref _replied, 1) == 0)
            node.ReplyToAsk(id, message, this);
        else
            node.DeadLetter(message, sender, this);
    }
}
