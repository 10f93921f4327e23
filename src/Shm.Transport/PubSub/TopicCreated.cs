using Shm.Primitives;

namespace Shm.Transport.PubSub;

/// <summary>The mediator's answer to <see cref="CreateTopic"/>: the topic is open on this node, with these properties.</summary>
/// <param name="Topic">The topic.</param>
/// <param name="Mode">The mode the topic has (the first creator's choice, which may differ from the request).</param>
/// <param name="Capacity">Events the ring holds: how far a node may fall behind.</param>
/// <param name="MaxEventBytes">The largest serialized event (envelope included) the topic accepts.</param>
public sealed record TopicCreated(string Topic, ShmPubSubMode Mode, long Capacity, int MaxEventBytes);
