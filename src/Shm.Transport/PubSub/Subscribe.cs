using Shm.Actors;

namespace Shm.Transport.PubSub;

/// <summary>
/// Tell to <see cref="DistributedPubSub.Mediator"/>: <paramref name="Ref"/> receives every event published to
/// <paramref name="Topic"/> on any node of the system from the moment the <see cref="SubscribeAck"/> is sent to the
/// sender of this message. Subscribing twice is harmless (one delivery per event). The subscriber is watched and
/// removed when it terminates.
/// </summary>
/// <param name="Topic">The topic: 1 to 64 UTF-8 bytes, any characters.</param>
/// <param name="Ref">The actor that receives the events (normally an actor of this node; usually <c>Self</c>).</param>
/// <exception cref="ArgumentException">The topic is empty or too long (the message names it and the limit).</exception>
public sealed record Subscribe(string Topic, IActorRef Ref)
{
    /// <summary>The topic the subscription is for.</summary>
    public string Topic { get; } = TopicName.Validate(Topic, nameof(Topic));

    /// <summary>The subscribing actor.</summary>
    public IActorRef Ref { get; } = Ref ?? throw new ArgumentNullException(nameof(Ref));
}
