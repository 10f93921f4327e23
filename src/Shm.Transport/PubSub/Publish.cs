namespace Shm.Transport.PubSub;

/// <summary>
/// Tell to <see cref="DistributedPubSub.Mediator"/>: serializes <paramref name="Message"/> once into the topic's ring,
/// from which every node with subscribers reads it and hands it to each of its subscribers, with the Tell's sender as
/// the sender. Handled on the calling thread, not queued behind the mediator's mailbox (see
/// <see cref="DistributedPubSub.Mediator"/> for what that means for blocking and errors). At-most-once: an event of
/// an Overwrite topic can be lost by a node that falls a whole ring behind, and its subscribers are then told how many
/// with <see cref="TopicEventsLost"/>.
/// </summary>
/// <param name="Topic">The topic: 1 to 64 UTF-8 bytes.</param>
/// <param name="Message">The event; any message the system's serialization can write.</param>
/// <exception cref="ArgumentException">The topic is empty or too long.</exception>
public sealed record Publish(string Topic, object Message)
{
    /// <summary>The topic to publish to.</summary>
    public string Topic { get; } = TopicName.Validate(Topic, nameof(Topic));

    /// <summary>The event.</summary>
    public object Message { get; } = Message ?? throw new ArgumentNullException(nameof(Message));
}
