namespace Shm.Transport.PubSub;

/// <summary>
/// Sent to every subscriber of <paramref name="Topic"/> on a node whose reader fell more than a whole ring behind the
/// publishers (an Overwrite topic): <paramref name="Count"/> events published to the topic were overwritten before
/// this node read them, so none of its subscribers received them. It arrives in order: after the events before the gap
/// and before the events after it. Sender: the mediator. Backpressure topics never lose events this way.
/// </summary>
/// <param name="Topic">The topic that lost events.</param>
/// <param name="Count">How many consecutive events were lost at this point of the stream.</param>
public sealed record TopicEventsLost(string Topic, long Count);
