using Akka.Configuration;
using Shm.Primitives;

namespace Shm.Actors.PubSub;

/// <summary>
/// The <c>akka.shm.pub-sub</c> block: <c>topic-capacity</c> (events a topic's ring holds, default 16384),
/// <c>max-event-bytes</c> (the largest serialized event with its envelope, default 1 KiB), <c>mode</c>
/// (<c>overwrite</c>: a slow node loses events and is told how many; <c>backpressure</c>: publishers wait for the
/// slowest node, up to <c>publish-timeout</c>), <c>max-pending-per-subscriber</c> (events a local subscriber may have
/// queued before its node's reader pauses), <c>segment-directory</c>, and <c>shared-event-types</c> (event types
/// whose <c>EventStream</c> publications reach every node of the box).
/// </summary>
internal sealed class ShmPubSubSettings
{
    public const string Path = "akka.shm.pub-sub";

    private ShmPubSubSettings(TopicSettings rings, string segmentDirectory, IReadOnlyList<string> sharedEventTypes)
    {
        Rings = rings;
        SegmentDirectory = segmentDirectory;
        SharedEventTypes = sharedEventTypes;
    }

    /// <summary>The geometry and mode of the topics this node creates, and the reader's limits.</summary>
    public TopicSettings Rings { get; }

    public string SegmentDirectory { get; }

    public IReadOnlyList<string> SharedEventTypes { get; }

    /// <exception cref="ConfigurationException">A key is out of range (the message names it and its limit).</exception>
    public static ShmPubSubSettings Read(Config config)
    {
        Config block = config.HasPath(Path) ? config.GetConfig(Path) : Config.Empty;
        string mode = block.GetString("mode", "overwrite");
        var rings = new TopicSettings
        {
            TopicCapacity = block.GetLong("topic-capacity", TopicSettings.Default.TopicCapacity),
            MaxEventBytes = (int)Math.Min(int.MaxValue, block.GetByteSize("max-event-bytes", null) ?? TopicSettings.Default.MaxEventBytes),
            DefaultMode = mode switch
            {
                "overwrite" => ShmPubSubMode.Overwrite,
                "backpressure" => ShmPubSubMode.Backpressure,
                _ => throw new ConfigurationException($"{Path}.mode is '{mode}'; it must be overwrite or backpressure."),
            },
            PublishTimeout = block.GetTimeSpan("publish-timeout", TopicSettings.Default.PublishTimeout),
            MaxPendingPerSubscriber = block.GetInt("max-pending-per-subscriber", TopicSettings.Default.MaxPendingPerSubscriber),
        };
        try
        {
            rings.Validate();
        }
        catch (ArgumentException error)
        {
            string key = error.ParamName switch
            {
                nameof(TopicSettings.TopicCapacity) => "topic-capacity",
                nameof(TopicSettings.MaxEventBytes) => "max-event-bytes",
                nameof(TopicSettings.PublishTimeout) => "publish-timeout",
                nameof(TopicSettings.MaxPendingPerSubscriber) => "max-pending-per-subscriber",
                _ => error.ParamName ?? "?",
            };
            string message = error.ParamName is { } name ? error.Message.Replace($" (Parameter '{name}')", "").Replace(name, key) : error.Message;
            throw new ConfigurationException($"{Path}.{key}: {message}", error);
        }
        string directory = block.GetString("segment-directory", "/dev/shm");
        if (!System.IO.Path.IsPathRooted(directory))
            throw new ConfigurationException($"{Path}.segment-directory is '{directory}'; it must be an absolute path.");
        return new ShmPubSubSettings(rings, directory, [.. block.GetStringList("shared-event-types") ?? []]);
    }
}
