using Shm.Primitives;

namespace Shm.Transport.PubSub;

/// <summary>
/// How one node's <see cref="DistributedPubSub"/> creates and reads topics. Immutable; pass it to
/// <see cref="DistributedPubSub.Get(Shm.Actors.ActorSystem, DistributedPubSubSettings)"/> before anything else uses the
/// extension on that system. Geometry and mode apply to topics this node creates; a topic another node created
/// first keeps that node's choices.
/// </summary>
public sealed record DistributedPubSubSettings
{
    /// <summary>The settings used when none are given.</summary>
    public static DistributedPubSubSettings Default { get; } = new();

    /// <summary>
    /// Events a topic's ring holds (rounded up to a power of two, 2..2^24): how far a node's reader may fall behind
    /// before it loses events (Overwrite) or holds publishers (Backpressure). Default 16,384.
    /// </summary>
    public long TopicCapacity { get; init; } = 16_384;

    /// <summary>
    /// The largest serialized event, envelope (topic, sender path, manifest) included, 64..1 MiB. Every slot reserves
    /// this much, so the ring's file is about <see cref="TopicCapacity"/> × (this + 16) bytes. Default 1,024.
    /// </summary>
    public int MaxEventBytes { get; init; } = 1024;

    /// <summary>The mode of a topic first opened by a Subscribe or Publish rather than by <see cref="CreateTopic"/>. Default Overwrite.</summary>
    public ShmPubSubMode DefaultMode { get; init; } = ShmPubSubMode.Overwrite;

    /// <summary>
    /// How long a Publish to a Backpressure topic waits for the slowest node to make room; past it the event becomes a
    /// dead letter (counted and logged). <see cref="Timeout.InfiniteTimeSpan"/> waits for ever. Default 30 s.
    /// </summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events a local subscriber may have waiting in its mailbox before the node's reader of that topic pauses (so a
    /// slow subscriber cannot grow its mailbox without bound). While paused, a Backpressure topic holds its publishers
    /// and an Overwrite topic may lap the node, whose subscribers are then told what they lost. Default 65,536.
    /// </summary>
    public int MaxPendingPerSubscriber { get; init; } = 65_536;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and its limit.</summary>
    public void Validate()
    {
        const long maxCapacity = 1L << 24;
        const int minEventBytes = 64, maxEventBytes = 1 << 20;
        if (TopicCapacity is < 2 or > maxCapacity)
            throw new ArgumentOutOfRangeException(nameof(TopicCapacity), TopicCapacity, $"TopicCapacity must be 2..{maxCapacity}.");
        if (MaxEventBytes is < minEventBytes or > maxEventBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxEventBytes), MaxEventBytes, $"MaxEventBytes must be {minEventBytes}..{maxEventBytes}.");
        if (!Enum.IsDefined(DefaultMode))
            throw new ArgumentOutOfRangeException(nameof(DefaultMode), DefaultMode, "DefaultMode must be Overwrite or Backpressure.");
        if (PublishTimeout < TimeSpan.Zero && PublishTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(PublishTimeout), PublishTimeout, "PublishTimeout must be zero or more, or Timeout.InfiniteTimeSpan.");
        if (MaxPendingPerSubscriber < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxPendingPerSubscriber), MaxPendingPerSubscriber, "MaxPendingPerSubscriber must be at least 1.");
    }
}
