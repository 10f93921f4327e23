namespace Shm.Transport.PubSub;

/// <summary>
/// The mediator's answer to a <see cref="Subscribe"/>, sent to whoever sent it: the subscriber now receives every event
/// published to the topic after this acknowledgement, from every node.
/// </summary>
/// <param name="Subscribe">The request this acknowledges.</param>
public sealed record SubscribeAck(Subscribe Subscribe);
