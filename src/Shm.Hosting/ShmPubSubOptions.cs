using System.Globalization;
using System.Text;
using Akka.Configuration;
using Shm.Primitives;
using Shm.Actors.PubSub;

namespace Shm.Hosting;

/// <summary>
/// The settings of the shared-memory pub/sub (<see cref="ShmPubSub"/>, the <c>akka.shm.pub-sub</c> block) as
/// <c>WithShmPubSub</c> sets them. Plain settable properties, read once by <c>WithShmPubSub</c>.
/// </summary>
/// <remarks>
/// Geometry and mode apply to the topic rings this node creates; a topic another node of the box created first keeps
/// that node's choices.
/// </remarks>
public sealed class ShmPubSubOptions
{
    /// <summary>The fewest events a topic's ring holds.</summary>
    public const long MinTopicCapacity = TopicSettings.MinTopicCapacity;

    /// <summary>The most events a topic's ring holds (16,777,216).</summary>
    public const long MaxTopicCapacity = TopicSettings.MaxTopicCapacity;

    /// <summary>The smallest <see cref="MaxEventBytes"/>.</summary>
    public const int MinEventBytes = TopicSettings.MinEventBytes;

    /// <summary>The largest <see cref="MaxEventBytes"/> (1 MiB).</summary>
    public const int MaxEventBytesLimit = TopicSettings.MaxEventBytesLimit;

    /// <summary>
    /// Events a topic's ring holds, <see cref="MinTopicCapacity"/> to <see cref="MaxTopicCapacity"/>, rounded up to a
    /// power of two: how far a node may fall behind before it loses events (overwrite) or holds publishers
    /// (backpressure). Default 16,384.
    /// </summary>
    public long TopicCapacity { get; set; } = 16_384;

    /// <summary>
    /// The largest serialized event with its envelope (topic, sender path, manifest), <see cref="MinEventBytes"/> to
    /// <see cref="MaxEventBytesLimit"/>; every slot reserves this much, so a ring's file is about
    /// <see cref="TopicCapacity"/> × (this + 16) bytes. A larger publish becomes a dead letter. Default 1,024.
    /// </summary>
    public int MaxEventBytes { get; set; } = 1024;

    /// <summary>
    /// <see cref="ShmPubSubMode.Overwrite"/> (the default): publishing never waits, and a node that falls a whole ring
    /// behind loses the oldest events, its subscribers told <see cref="TopicEventsLost"/> with the count.
    /// <see cref="ShmPubSubMode.Backpressure"/>: publishers wait for the slowest node, up to <see cref="PublishTimeout"/>.
    /// </summary>
    public ShmPubSubMode Mode { get; set; } = ShmPubSubMode.Overwrite;

    /// <summary>
    /// How long a publish to a backpressure topic waits for room before the event becomes a dead letter: zero or more
    /// (whole milliseconds), or <see cref="Timeout.InfiniteTimeSpan"/> to wait for ever. Default 30 s.
    /// </summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Events a local subscriber may have waiting in its mailbox before its node's reader of that topic pauses (so a
    /// slow subscriber cannot grow its mailbox without bound), at least 1. Default 65,536.
    /// </summary>
    public int MaxPendingPerSubscriber { get; set; } = 65_536;

    /// <summary>Where the topic rings live: an absolute path. Default /dev/shm.</summary>
    public string SegmentDirectory { get; set; } = "/dev/shm";

    /// <summary>
    /// Event types whose <c>EventStream</c> publications on this node reach the <c>EventStream</c> subscribers of every
    /// node of the box that shares the type too (<see cref="ShmPubSub.ShareEvents(Type)"/>, from the system's start).
    /// Each must be a closed type that Akka's serialization handles. Empty by default.
    /// </summary>
    public IList<Type> SharedEventTypes { get; } = new List<Type>();

    /// <summary>The <c>akka.shm.pub-sub</c> block of these settings, after checking every one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it, the value and the limit.</exception>
    /// <exception cref="ArgumentException"><see cref="SegmentDirectory"/> is not absolute, or a shared event type is null or open.</exception>
    internal Config ToConfig()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(TopicCapacity, MinTopicCapacity, nameof(TopicCapacity));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(TopicCapacity, MaxTopicCapacity, nameof(TopicCapacity));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventBytes, MinEventBytes, nameof(MaxEventBytes));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(MaxEventBytes, MaxEventBytesLimit, nameof(MaxEventBytes));
        if (!Enum.IsDefined(Mode))
            throw new ArgumentOutOfRangeException(nameof(Mode), Mode, $"Mode is {(int)Mode}; it must be {nameof(ShmPubSubMode.Overwrite)} or {nameof(ShmPubSubMode.Backpressure)}.");
        if (PublishTimeout != Timeout.InfiniteTimeSpan)
            ArgumentOutOfRangeException.ThrowIfLessThan(PublishTimeout, TimeSpan.Zero, nameof(PublishTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingPerSubscriber, 1, nameof(MaxPendingPerSubscriber));
        ArgumentNullException.ThrowIfNull(SegmentDirectory, nameof(SegmentDirectory));
        if (!Path.IsPathRooted(SegmentDirectory))
            throw new ArgumentException($"SegmentDirectory is '{SegmentDirectory}'; it must be an absolute path (e.g. /dev/shm).", nameof(SegmentDirectory));

        var hocon = new StringBuilder();
        hocon.AppendLine("akka.shm.pub-sub {");
        hocon.AppendLine(CultureInfo.InvariantCulture, $"  topic-capacity = {TopicCapacity}");
        hocon.AppendLine(CultureInfo.InvariantCulture, $"  max-event-bytes = {MaxEventBytes}");
        hocon.AppendLine(Mode == ShmPubSubMode.Backpressure ? "  mode = backpressure" : "  mode = overwrite");
        hocon.AppendLine(PublishTimeout == Timeout.InfiniteTimeSpan
            ? "  publish-timeout = infinite"
            : string.Create(CultureInfo.InvariantCulture, $"  publish-timeout = {(long)PublishTimeout.TotalMilliseconds}ms"));
        hocon.AppendLine(CultureInfo.InvariantCulture, $"  max-pending-per-subscriber = {MaxPendingPerSubscriber}");
        hocon.Append("  segment-directory = ").AppendLine(Quote(SegmentDirectory));
        hocon.Append("  shared-event-types = [");
        for (int i = 0; i < SharedEventTypes.Count; i++)
            hocon.Append(i == 0 ? "" : ", ").Append(Quote(TypeName(SharedEventTypes[i], i)));
        hocon.AppendLine("]");
        hocon.AppendLine("}");
        return ConfigurationFactory.ParseString(hocon.ToString());
    }

    // The name ShmPubSub loads with Type.GetType: the full name and the assembly's simple name (no version, so a
    // rebuilt assembly still matches).
    private static string TypeName(Type? type, int index)
    {
        if (type is null)
            throw new ArgumentException($"SharedEventTypes[{index}] is null; each entry must be an event type.", nameof(SharedEventTypes));
        if (type.ContainsGenericParameters || type.FullName is null)
            throw new ArgumentException($"SharedEventTypes[{index}] is {type}, an open generic type; events have closed types (e.g. Changed<int>, not Changed<>).", nameof(SharedEventTypes));
        return type.IsGenericType ? type.AssemblyQualifiedName! : $"{type.FullName}, {type.Assembly.GetName().Name}";
    }

    private static string Quote(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
