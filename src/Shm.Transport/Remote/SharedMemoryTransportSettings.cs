using Akka.Configuration;
using Shm.Node;
using Shm.Primitives;

namespace Shm.Transport.Remote;

/// <summary>
/// The <c>akka.remote.shm</c> block read into the node options: every key is optional, so a block holding only
/// <c>transport-class</c> works. Keys: <c>hostname</c> (this node's name in the box's node directory; default
/// <c>node-{pid}</c>), <c>port</c> (0 or 1: an shm address's port is always 1), <c>segment-directory</c>, <c>inbox-capacity</c>,
/// <c>maximum-payload-bytes</c>, <c>outbound-buffer-messages</c>, <c>wait-strategy</c> (<c>spin-then-sleep</c> or
/// <c>sleep</c>), and for asks on the direct path <c>ask-response-slots</c> and <c>ask-reply-max-bytes</c>.
/// </summary>
internal static class SharedMemoryTransportSettings
{
    /// <summary>The default of <c>maximum-payload-bytes</c>: Akka's bytes of one PDU.</summary>
    public const int DefaultMaximumPayloadBytes = 256 * 1024;

    /// <summary>The node options the block asks for.</summary>
    /// <exception cref="ConfigurationException">A key is out of range (the message names the key and its limit).</exception>
    public static NodeOptions Read(Config config)
    {
        var defaults = new NodeOptions();
        string hostname = config.GetString("hostname", "");
        int port = config.GetInt("port", SharedMemoryTransport.Port);
        if (port is not (0 or SharedMemoryTransport.Port))
            throw new ConfigurationException(
                $"akka.remote.shm.port is {port}; nothing is bound, and an shm address's port is always {SharedMemoryTransport.Port} (leave the key out).");
        long? payload = config.GetByteSize("maximum-payload-bytes", null);
        long maximumPayload = payload ?? DefaultMaximumPayloadBytes;
        if (maximumPayload is < 64 or > int.MaxValue - LinkFrame.HeaderSize)
            throw new ConfigurationException($"akka.remote.shm.maximum-payload-bytes is {maximumPayload}; it must be 64..{int.MaxValue - LinkFrame.HeaderSize}.");
        string wait = config.GetString("wait-strategy", "spin-then-sleep");
        var options = new NodeOptions
        {
            NodeName = hostname.Length > 0 ? hostname : $"node-{Environment.ProcessId}",
            SegmentDirectory = config.GetString("segment-directory", defaults.SegmentDirectory),
            InboxCapacity = config.GetLong("inbox-capacity", defaults.InboxCapacity),
            MaxMessageBytes = (int)maximumPayload + LinkFrame.HeaderSize,
            OutboundBufferMessages = config.GetInt("outbound-buffer-messages", defaults.OutboundBufferMessages),
            AskResponseSlots = config.GetInt("ask-response-slots", defaults.AskResponseSlots),
            MaxAskReplyBytes = ByteSize(config, "ask-reply-max-bytes", defaults.MaxAskReplyBytes),
            WaitStrategy = wait switch
            {
                "spin-then-sleep" => ShmWaitStrategy.SpinThenSleep,
                "sleep" => ShmWaitStrategy.Sleep,
                _ => throw new ConfigurationException($"akka.remote.shm.wait-strategy is '{wait}'; it must be spin-then-sleep or sleep."),
            },
        };
        // The arena of the node's ask channel must hold the largest message; grow it with the payload limit.
        if (options.MaxMessageBytes > options.EffectiveArenaBytes)
            options.InboxArenaBytes = options.MaxMessageBytes;
        try
        {
            options.Validate();
        }
        catch (ArgumentException error)
        {
            throw new ConfigurationException($"akka.remote.shm: {InKeysOfTheBlock(error)}", error);
        }
        return options;
    }

    private static int ByteSize(Config config, string key, int fallback)
    {
        long bytes = config.GetByteSize(key, null) ?? fallback;
        return bytes is < 0 or > int.MaxValue
            ? throw new ConfigurationException($"akka.remote.shm.{key} is {bytes}; it must be 0..{int.MaxValue}.")
            : (int)bytes;
    }

    // The node layer names its options as NodeOptions does; a user of this block knows them by its keys.
    private static readonly (string Option, string Key)[] s_keys =
    [
        (nameof(NodeOptions.NodeName), "hostname"),
        (nameof(NodeOptions.SegmentDirectory), "segment-directory"),
        (nameof(NodeOptions.InboxCapacity), "inbox-capacity"),
        (nameof(NodeOptions.MaxMessageBytes), "maximum-payload-bytes (plus the frame's header)"),
        (nameof(NodeOptions.OutboundBufferMessages), "outbound-buffer-messages"),
        (nameof(NodeOptions.AskResponseSlots), "ask-response-slots"),
        (nameof(NodeOptions.MaxAskReplyBytes), "ask-reply-max-bytes"),
    ];

    /// <summary>The validation's message with the node layer's option name replaced by this block's key.</summary>
    private static string InKeysOfTheBlock(ArgumentException error)
    {
        string message = error.ParamName is { } name ? error.Message.Replace($" (Parameter '{name}')", "") : error.Message;
        foreach ((string option, string key) in s_keys)
            message = message.Replace(option, key);
        return message;
    }
}
