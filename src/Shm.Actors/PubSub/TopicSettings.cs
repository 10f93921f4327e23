using Shm.Primitives;

namespace Shm.Actors.PubSub;

/// <summary>
/// How one node's <see cref="ShmPubSub"/> creates and reads topics (the <c>akka.shm.pub-sub</c> block, read by
/// <see cref="ShmPubSubSettings"/>). Geometry and mode apply to topics this node creates; a topic another node created
/// first keeps that node's choices.
/// </summary>
internal sealed record TopicSettings
{
    public const long MinTopicCapacity = 2;
    public const long MaxTopicCapacity = 1L << 24;
    public const int MinEventBytes = 64;
    public const int MaxEventBytesLimit = 1 << 20;

    /// <summary>The settings used when none are given.</summary>
    public static TopicSettings Default { get; } = new();

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

    /// <summary>The mode of the topics this node creates. Default Overwrite.</summary>
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
        if (TopicCapacity is < MinTopicCapacity or > MaxTopicCapacity)
            throw new ArgumentOutOfRangeException(nameof(TopicCapacity), TopicCapacity, $"TopicCapacity must be {MinTopicCapacity}..{MaxTopicCapacity}.");
        if (MaxEventBytes is < MinEventBytes or > MaxEventBytesLimit)
            throw new ArgumentOutOfRangeException(nameof(MaxEventBytes), MaxEventBytes, $"MaxEventBytes must be {MinEventBytes}..{MaxEventBytesLimit}.");
        if (!Enum.IsDefined(DefaultMode))
            throw new ArgumentOutOfRangeException(nameof(DefaultMode), DefaultMode, "DefaultMode must be Overwrite or Backpressure.");
        if (PublishTimeout < TimeSpan.Zero && PublishTimeout != Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(PublishTimeout), PublishTimeout, "PublishTimeout must be zero or more, or Timeout.InfiniteTimeSpan.");
        if (MaxPendingPerSubscriber < 1)
            throw new ArgumentOutOfRangeException(nameof(MaxPendingPerSubscriber), MaxPendingPerSubscriber, "MaxPendingPerSubscriber must be at least 1.");
    }
}
