namespace Shm.Transport.PubSub;

/// <summary>Counters of one node's distributed pub/sub since it started (see <see cref="DistributedPubSub.GetStats"/>).</summary>
/// <param name="EventsLost">Events this node's readers never read because the ring lapped them (each was reported to the topic's subscribers with <see cref="TopicEventsLost"/>).</param>
/// <param name="CorruptEvents">Ring entries that were not a valid event of their topic (skipped).</param>
/// <param name="UndeserializableEvents">Events whose payload failed to deserialize here (logged and skipped).</param>
/// <param name="DeadLetters">Publishes that found no room in a Backpressure topic within the publish timeout, or came after shutdown (published as <c>DeadLetter</c>).</param>
public readonly record struct DistributedPubSubStats(long EventsLost, long CorruptEvents, long UndeserializableEvents, long DeadLetters);
