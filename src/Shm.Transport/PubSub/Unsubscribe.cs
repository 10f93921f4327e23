using Shm.Actors;

namespace Shm.Transport.PubSub;

/// <summary>
/// Tell to <see cref="DistributedPubSub.Mediator"/>: <paramref name="Ref"/> receives no event of
/// <paramref name="Topic"/> published after the <see cref="UnsubscribeAck"/> (events already handed to its mailbox
/// stay there). When a node's last subscriber of a topic leaves, the node stops reading that topic.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="Ref">The subscriber to remove.</param>
/// <exception cref="ArgumentException">The topic is empty or too long.</exception>
public sealed record Unsubscribe(string Topic, IActorRef Ref)
{
    /// <summary>The topic to leave.</summary>
    public string Topic { get; } = TopicName.Validate(Topic, nameof(Topic));

    /// <summary>The subscriber to remove.</summary>
    public IActorRef Ref { get; } = Ref ?? throw new ArgumentNullException(nameof(Ref));
}
