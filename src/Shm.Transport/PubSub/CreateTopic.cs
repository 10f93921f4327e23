using Shm.Primitives;

namespace Shm.Transport.PubSub;

/// <summary>
/// Tell (or Ask) to <see cref="DistributedPubSub.Mediator"/>: opens <paramref name="Topic"/>, creating its segment
/// with <paramref name="Mode"/> (and this node's <see cref="DistributedPubSubSettings.TopicCapacity"/> and
/// <see cref="DistributedPubSubSettings.MaxEventBytes"/>) if no node has created it yet. The reply,
/// <see cref="TopicCreated"/>, states the mode the topic really has.
/// </summary>
/// <remarks>
/// The first node to create a topic's segment decides its mode and geometry for the whole system; a later request
/// with another mode gets the existing topic (a warning is logged and <see cref="TopicCreated.Mode"/> tells which).
/// Send CreateTopic before the first Subscribe or Publish of a topic that must be Backpressure: a Subscribe or Publish
/// that reaches a topic nobody created creates it with <see cref="DistributedPubSubSettings.DefaultMode"/>.
/// </remarks>
/// <param name="Topic">The topic: 1 to 64 UTF-8 bytes.</param>
/// <param name="Mode">Overwrite (publishers never wait; a node that falls a ring behind loses events and says so) or
/// Backpressure (publishers wait for the slowest node; nothing is lost).</param>
/// <exception cref="ArgumentException">The topic is empty or too long, or the mode is not defined.</exception>
public sealed record CreateTopic(string Topic, ShmPubSubMode Mode)
{
    /// <summary>The topic to open or create.</summary>
    public string Topic { get; } = TopicName.Validate(Topic, nameof(Topic));

    /// <summary>The mode the topic gets if this request creates it.</summary>
    public ShmPubSubMode Mode { get; } = Enum.IsDefined(Mode)
        ? Mode
        : throw new ArgumentOutOfRangeException(nameof(Mode), Mode, "Mode must be Overwrite or Backpressure.");
}
