using System.Globalization;
using Akka.Actor;
using Akka.Event;
using Shm.Primitives;

namespace Shm.Transport.Remote;

/// <summary>
/// The response slots of this node's ask channel as Akka refs: <c>/temp/shm-asks/{request id}</c>, one
/// <see cref="ResponseSlotRef"/> per ask being answered here. The container is registered among the provider's
/// temporary actors, so a reply ref that travelled (the target forwarded the ask to an actor on a third node, which
/// answers its sender) resolves back to its slot on this node. Nothing is registered per ask: a ref is made from the
/// id in its path, and a reply for an ask whose asker gave up is rejected by the slot's generation.
/// </summary>
internal sealed class ResponseSlots : MinimalActorRef
{
    /// <summary>The container's name under <c>/temp</c>.</summary>
    public const string Name = "shm-asks";

    private readonly IActorRefProvider _provider;
    private readonly DirectPath _direct;
    private readonly ShmReqRepServer _channel;
    private long _lateReplies;

    public ResponseSlots(IActorRefProvider provider, DirectPath direct, ShmReqRepServer channel)
    {
        _provider = provider;
        _direct = direct;
        _channel = channel;
        Path = provider.TempContainer.Path / Name;
    }

    /// <inheritdoc />
    public override ActorPath Path { get; }

    /// <inheritdoc />
    public override IActorRefProvider Provider => _provider;

    /// <summary>Replies that came after their asker had given up (rejected by the slot's generation check).</summary>
    public long LateReplies => Interlocked.Read(ref _lateReplies);

    /// <summary>Takes the ask <paramref name="id"/> for this node (its slot marked taken); false when its asker gave up.</summary>
    public bool TryAccept(RequestId id) => _channel.TryAccept(id);

    /// <summary>The reply ref of the ask <paramref name="id"/>.</summary>
    public ResponseSlotRef For(RequestId id) => new(this, id);

    /// <inheritdoc />
    public override IActorRef GetChild(IReadOnlyList<string> name) =>
        name.Count == 1 && ulong.TryParse(name[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong id) && id != 0
            ? For(new RequestId(id))
            : ActorRefs.Nobody;

    /// <summary>Writes the reply of ask <paramref name="id"/> into its slot; a late one is counted and becomes a dead letter.</summary>
    public void Reply(RequestId id, object message, ResponseSlotRef replyTo)
    {
        if (_direct.Reply(_channel, id, message))
            return;
        Interlocked.Increment(ref _lateReplies);
        _provider.DeadLetters.Tell(new DeadLetter(message, ActorRefs.NoSender, replyTo), ActorRefs.NoSender);
    }
}
