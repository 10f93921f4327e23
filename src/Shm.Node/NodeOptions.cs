using System.Text.RegularExpressions;
using Shm.Primitives;
using Shm.Primitives.ReqRep;

namespace Shm.Node;

/// <summary>
/// Settings of one node (one process's actor system): Shm.Transport reads them from the <c>akka.remote.shm</c> block.
/// <see cref="Validate"/> names the first invalid value and its limit.
/// </summary>
internal sealed partial class NodeOptions
{
    /// <summary>The most cells an inbox can be created with.</summary>
    public const long MaxInboxCapacity = 1 << 22;

    /// <summary>This node's name, unique among the live nodes of the system: letters, digits, '-' and '_', at most 64 bytes.</summary>
    public string NodeName { get; set; } = "";

    /// <summary>Where the system's segments live (the node directory and every node's inbox). Default /dev/shm.</summary>
    public string SegmentDirectory { get; set; } = "/dev/shm";

    /// <summary>
    /// Cells of this node's inbox (rounded up to a power of two). A serialized message of up to 232 bytes, envelope
    /// included, takes one cell; a longer one takes one per 232 bytes. Default 8192 (2 MiB).
    /// </summary>
    public long InboxCapacity { get; set; } = 8192;

    /// <summary>Bytes of the payload arena of this node's ask channel and of each shm mailbox ring; 0 means <see cref="InboxCapacity"/> × 256 (at least 4 MiB).</summary>
    public long InboxArenaBytes { get; set; }

    /// <summary>The largest serialized message (envelope included) a Tell may send; larger ones are refused. Default 256 KiB.</summary>
    public int MaxMessageBytes { get; set; } = 256 * 1024;

    /// <summary>Messages buffered per destination while its inbox is full; past this they become dead letters. Default 100,000.</summary>
    public int OutboundBufferMessages { get; set; } = 100_000;

    /// <summary>Asks this node's actors can be answering at once (the response slots of its ask channel). Default 256; more asks wait for a slot.</summary>
    public int AskResponseSlots { get; set; } = 256;

    /// <summary>The largest serialized reply to an Ask; a larger reply fails that ask with an error naming the size. Default 64 KiB.</summary>
    public int MaxAskReplyBytes { get; set; } = 64 * 1024;

    /// <summary>Ask requests this node's ask channel queues before askers wait for room. Default 1024.</summary>
    public long AskQueueCapacity { get; set; } = 1024;

    /// <summary>How the inbox reader waits for messages: spin then sleep (lowest latency), or sleep at once (no idle CPU).</summary>
    public ShmWaitStrategy WaitStrategy { get; set; } = ShmWaitStrategy.SpinThenSleep;

    /// <summary>The arena actually used (resolving the 0 default).</summary>
    internal long EffectiveArenaBytes => InboxArenaBytes != 0 ? InboxArenaBytes : Math.Max(4L << 20, InboxCapacity * 256);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and what is allowed.</summary>
    public void Validate()
    {
        if (string.IsNullOrEmpty(NodeName) || !NodeNamePattern().IsMatch(NodeName))
            throw new ArgumentException($"NodeName '{NodeName}' is invalid: use 1 to 64 letters, digits, '-' or '_', starting with a letter or digit.", nameof(NodeName));
        if (string.IsNullOrWhiteSpace(SegmentDirectory) || !System.IO.Path.IsPathRooted(SegmentDirectory))
            throw new ArgumentException($"SegmentDirectory '{SegmentDirectory}' must be an absolute directory path.", nameof(SegmentDirectory));
        if (!Directory.Exists(SegmentDirectory))
            throw new ArgumentException($"SegmentDirectory '{SegmentDirectory}' does not exist.", nameof(SegmentDirectory));
        if (InboxCapacity is < 2 or > MaxInboxCapacity)
            throw new ArgumentOutOfRangeException(nameof(InboxCapacity), InboxCapacity, $"InboxCapacity must be 2..{MaxInboxCapacity}.");
        if (InboxArenaBytes != 0 && InboxArenaBytes is < 4096 or > ShmByteQueue.MaxArenaBytes)
            throw new ArgumentOutOfRangeException(nameof(InboxArenaBytes), InboxArenaBytes, $"InboxArenaBytes must be 0 (default) or 4096..{ShmByteQueue.MaxArenaBytes}.");
        if (MaxMessageBytes < 64 || MaxMessageBytes > EffectiveArenaBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, $"MaxMessageBytes must be 64..{EffectiveArenaBytes} (InboxArenaBytes, the arena an ask or a mailbox message goes through).");
        if (AskResponseSlots is < 1 or > ShmReqRepLayout.MaxResponseSlots)
            throw new ArgumentOutOfRangeException(nameof(AskResponseSlots), AskResponseSlots, $"AskResponseSlots must be 1..{ShmReqRepLayout.MaxResponseSlots}.");
        if (MaxAskReplyBytes is < 64 or > ShmReqRepLayout.MaxResponseBytes)
            throw new ArgumentOutOfRangeException(nameof(MaxAskReplyBytes), MaxAskReplyBytes, $"MaxAskReplyBytes must be 64..{ShmReqRepLayout.MaxResponseBytes}.");
        if (AskQueueCapacity is < 2 or > MaxInboxCapacity)
            throw new ArgumentOutOfRangeException(nameof(AskQueueCapacity), AskQueueCapacity, $"AskQueueCapacity must be 2..{MaxInboxCapacity}.");
        if (OutboundBufferMessages < 0)
            throw new ArgumentOutOfRangeException(nameof(OutboundBufferMessages), OutboundBufferMessages, "OutboundBufferMessages must not be negative.");
    }

    [GeneratedRegex("^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$")]
    private static partial Regex NodeNamePattern();
}
