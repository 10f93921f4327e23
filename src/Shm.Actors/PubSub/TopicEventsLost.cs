namespace Shm.Actors.PubSub;

/// <summary>
/// Told to a subscriber of an shm topic in place of events it lost: its node's reader fell more than a ring behind
/// (an overwrite topic lapped it) or met slots overwritten while it read them. <see cref="Count"/> events of
/// <see cref="Topic"/> are missing at this point of the stream; the ones after it follow. Counted in
/// <see cref="ShmPubSub.EventsLost"/> and the <c>shm.pubsub.events_lost</c> metric.
/// </summary>
/// <param name="Topic">The topic.</param>
/// <param name="Count">How many events this node did not get.</param>
public sealed record TopicEventsLost(string Topic, long Count);
