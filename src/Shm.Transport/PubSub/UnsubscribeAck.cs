namespace Shm.Transport.PubSub;

/// <summary>The mediator's answer to an <see cref="Unsubscribe"/> (also sent when the ref was not subscribed).</summary>
/// <param name="Unsubscribe">The request this acknowledges.</param>
public sealed record UnsubscribeAck(Unsubscribe Unsubscribe);
