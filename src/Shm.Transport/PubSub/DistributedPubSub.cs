using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Shm.Actors;
using Shm.Actors.Event;
using Shm.Actors.Internal;
using Shm.Primitives;

namespace Shm.Transport.PubSub;

/// <summary>
/// Akka's DistributedPubSub over shared memory: one per actor system with the shm transport. Tell
/// <see cref="Subscribe"/>, <see cref="Unsubscribe"/>, <see cref="Publish"/>, <see cref="CreateTopic"/> and
/// <see cref="GetTopics"/> to <see cref="Mediator"/>. Each topic is one <see cref="ShmBytePubSub"/> segment shared by
/// every node of the system; a publish writes the event into it once, and each node with subscribers reads it once and
/// hands it to its local subscribers.
/// </summary>
/// <remarks>
/// <para>Delivery: at most once, in publish order per publisher (events of one topic from all publishers are in one
/// order, the ring's, on every node). A subscriber acknowledged with <see cref="SubscribeAck"/> receives every event
/// published after the acknowledgement, from any node, unless its node falls a whole ring behind on an Overwrite topic:
/// then each of that node's subscribers of the topic receives <see cref="TopicEventsLost"/> with the exact number
/// missed, in stream order. Backpressure topics lose nothing; their publishers wait for the slowest node instead.</para>
/// <para>Unlike Akka there is no gossip: the rings are shared, so registration is local and immediate. Groups,
/// Put/Send/SendToAll are not provided. An event published with no subscriber anywhere is not a dead letter; it just
/// ages out of the ring.</para>
/// <para>Segments: a topic's segment is <c>{system}.topic.{escaped topic}</c> in the transport's segment directory. It
/// belongs to the system, like the node directory <c>{system}.nodes</c>: it outlives the nodes that use it (a node that
/// restarts finds its topics as they were) and is removed with the rest of the system's segments
/// (<c>rm {directory}/{system}.*</c>, which the test kit's MultiNodeCluster does when it is disposed). A node closes its
/// mappings when its system terminates.</para>
/// </remarks>
/// <example><code>
/// IActorRef mediator = DistributedPubSub.Get(system).Mediator;
/// mediator.Tell(new Subscribe("prices", Self));                  // answered with SubscribeAck
/// mediator.Tell(new Publish("prices", new Price("ACME", 12.5m)));  // from any node
/// Receive&lt;TopicEventsLost&gt;(lost => log.Warning("missed {0} prices", lost.Count));
/// </code></example>
public sealed class DistributedPubSub
{
    /// <summary>The mediator actor's name under <c>/system</c> (Akka's).</summary>
    public const string MediatorName = "distributedPubSubMediator";

    private const int MaxLoggedProblems = 10;
    private static readonly TimeSpan s_readerStopTimeout = TimeSpan.FromSeconds(10);
    private static readonly ConditionalWeakTable<ActorSystem, DistributedPubSub> s_instances = new();
    private static readonly Lock s_instancesGate = new();

    [ThreadStatic]
    private static TopicRing? t_lastRing;

    [ThreadStatic]
    private static DistributedPubSub? t_lastOwner;

    private readonly ConcurrentDictionary<string, TopicRing> _rings = new();
    private readonly ConcurrentDictionary<TopicReader, bool> _readers = new();
    private readonly Lock _openGate = new();
    private readonly TopicEventEncoder _encoder;
    private readonly string _segmentDirectory;
    private long _lost;
    private long _corrupt;
    private long _undeserializable;
    private long _deadLetters;
    private volatile bool _closed;

    private DistributedPubSub(ActorSystem system, DistributedPubSubSettings settings)
    {
        ShmTransportOptions options = ShmTransport.NodeOf(system).Options;
        System = system;
        Settings = settings;
        WaitStrategy = options.WaitStrategy;
        _segmentDirectory = options.SegmentDirectory;
        _encoder = new TopicEventEncoder(system);
        IsReusable = Remoting.ResolvedRefs.Cacheable(system.DeadLetters);
        var actor = (InternalActorRef)((ActorSystemImpl)system).SystemActorOf(Props.Create(() => new MediatorActor(this)), MediatorName);
        Mediator = new MediatorRef(actor, this);
        system.RegisterOnTermination(Close);
    }

    /// <summary>The distributed pub/sub of <paramref name="system"/>, created with default settings on first use.</summary>
    /// <exception cref="InvalidOperationException">The system does not use the shm transport.</exception>
    public static DistributedPubSub Get(ActorSystem system) => Get(system, null);

    /// <summary>
    /// The distributed pub/sub of <paramref name="system"/>, created with <paramref name="settings"/> if this is the first
    /// use. Thread-safe; every call for one system returns the same instance.
    /// </summary>
    /// <exception cref="InvalidOperationException">
    /// The system does not use the shm transport, or the extension already runs with other settings.
    /// </exception>
    /// <exception cref="ArgumentException">A setting is invalid (the message names it and its limit).</exception>
    public static DistributedPubSub Get(ActorSystem system, DistributedPubSubSettings? settings)
    {
        ArgumentNullException.ThrowIfNull(system);
        settings?.Validate();
        lock (s_instancesGate)
        {
            if (s_instances.TryGetValue(system, out DistributedPubSub? existing))
            {
                if (settings is not null && settings != existing.Settings)
                    throw new InvalidOperationException($"DistributedPubSub of {system.Name} already runs with {existing.Settings}; settings must be given before its first use.");
                return existing;
            }
            var created = new DistributedPubSub(system, settings ?? DistributedPubSubSettings.Default);
            s_instances.Add(system, created);
            return created;
        }
    }

    /// <summary>
    /// The mediator (<c>/system/distributedPubSubMediator</c>). Subscribe, Unsubscribe, CreateTopic and GetTopics are
    /// handled by its actor in order and answered to the sender. A <see cref="Publish"/> is handled on the calling
    /// thread, before Tell returns: it is serialized and written into the topic's ring (no mailbox hop). So, unlike
    /// other Tells, a Publish can throw (a message that cannot be serialized, or larger than the topic's
    /// MaxEventBytes: the exception names the type, size and limit) and, on a Backpressure topic, can block the caller
    /// up to <see cref="DistributedPubSubSettings.PublishTimeout"/> while the slowest node is a whole ring behind.
    /// </summary>
    public IActorRef Mediator { get; }

    /// <summary>The settings this node runs with.</summary>
    public DistributedPubSubSettings Settings { get; }

    /// <summary>This node's counters: events lost by lapping, skipped entries, undeliverable publishes.</summary>
    public DistributedPubSubStats GetStats() => new(Interlocked.Read(ref _lost), Interlocked.Read(ref _corrupt),
        Interlocked.Read(ref _undeserializable), Interlocked.Read(ref _deadLetters));

    internal ActorSystem System { get; }

    internal ILoggingAdapter Log => System.Log;

    internal ShmWaitStrategy WaitStrategy { get; }

    /// <summary>
    /// This node's handle on a topic, opening (or creating) its segment on first use. A topic created by another node
    /// keeps that node's mode: a different <paramref name="requestedMode"/> is logged and the existing mode used.
    /// </summary>
    /// <exception cref="ArgumentException">The topic's segment name would exceed 255 bytes.</exception>
    /// <exception cref="InvalidOperationException">The system has terminated.</exception>
    /// <exception cref="IOException">The segment cannot be created or opened.</exception>
    internal TopicRing OpenTopic(string topic, ShmPubSubMode? requestedMode)
    {
        if (!_rings.TryGetValue(topic, out TopicRing? ring))
        {
            lock (_openGate)
            {
                ObjectDisposedException.ThrowIf(_closed, this);
                if (!_rings.TryGetValue(topic, out ring))
                {
                    ring = TopicRing.Open(System.Name, topic, requestedMode ?? Settings.DefaultMode, Settings, _segmentDirectory);
                    _rings[topic] = ring;
                }
            }
        }
        if (requestedMode is { } mode && mode != ring.Mode)
            Log.Warning("Topic '{0}' was asked for as {1} but was created {2} by the first node to open it ({3}); it stays {2}.", topic, mode, ring.Mode, ring.SegmentName);
        return ring;
    }

    /// <summary>Serializes <paramref name="message"/> once and writes it into the topic's ring (see <see cref="Mediator"/>).</summary>
    internal void Publish(string topic, object message, IActorRef? sender)
    {
        if (_closed)
        {
            DeadLetter(message, sender, "the system has terminated");
            return;
        }
        TopicRing ring;
        try
        {
            // A publishing thread usually repeats its topic: one compare instead of the dictionary's hash.
            ring = t_lastRing is { } last && ReferenceEquals(t_lastOwner, this) && string.Equals(last.Topic, topic, StringComparison.Ordinal)
                ? last
                : OpenTopic(topic, requestedMode: null);
            t_lastRing = ring;
            t_lastOwner = this;
        }
        catch (ObjectDisposedException)
        {
            DeadLetter(message, sender, "the system has terminated");
            return;
        }
        ReadOnlySpan<byte> encoded = _encoder.Encode(ring.TopicUtf8, message, sender);
        if (encoded.Length > ring.MaxEventBytes)
            throw new ArgumentException(
                $"A {message.GetType().FullName} published to topic '{topic}' is {encoded.Length} bytes encoded (topic, sender path and manifest included); the topic takes at most {ring.MaxEventBytes} bytes (DistributedPubSubSettings.MaxEventBytes of the node that created it).",
                nameof(message));
        if (!ring.Publish(encoded, Settings.PublishTimeout))
            DeadLetter(message, sender, _closed ? "the system has terminated" : $"the slowest node stayed a whole ring behind for {Settings.PublishTimeout}");
    }

    /// <summary>Whether a sender resolved from an event may be cached (see <see cref="Remoting.ResolvedRefs"/>).</summary>
    internal Func<IActorRef, bool> IsReusable { get; }

    internal void CountLost(long lost) => Interlocked.Add(ref _lost, lost);

    /// <summary>A subscriber's turn blocked a topic reader and a new loop took over (the first few times).</summary>
    internal void ReportStalledTopicReader(string topic) =>
        Log.Warning("A subscriber's turn blocked the reader of topic '{0}' for over {1} ms; a new loop reads in its place. Actors should not block: "
                + "one that waits for a later event of its topic would otherwise stop the topic on this node.", topic, Driver.WatchedReader.StallCheckInterval.TotalMilliseconds);

    internal void CountCorrupt(string topic)
    {
        if (Interlocked.Increment(ref _corrupt) <= MaxLoggedProblems)
            Log.Warning("Skipped an entry of topic '{0}' that is not a valid event of it.", topic);
    }

    internal void CountUndeserializable(string topic, int serializerId, Exception error)
    {
        if (Interlocked.Increment(ref _undeserializable) <= MaxLoggedProblems)
            Log.Warning(error, "Skipped an event of topic '{0}': its payload (serializer {1}) could not be deserialized: {2}", topic, serializerId, error.Message);
    }

    /// <summary>Take-overs from topic readers blocked in a subscriber's turn, over this node's current readers.</summary>
    internal int TopicReaderTakeOvers => _readers.Keys.Sum(reader => reader.TakeOvers);

    internal void Track(TopicReader reader) => _readers[reader] = true;

    internal void Untrack(TopicReader reader) => _readers.TryRemove(reader, out _);

    private void DeadLetter(object message, IActorRef? sender, string reason)
    {
        if (Interlocked.Increment(ref _deadLetters) <= MaxLoggedProblems)
            Log.Warning("A {0} published by {1} became a dead letter: {2}.", message.GetType().Name, sender?.Path.ToString() ?? "no sender", reason);
        System.EventStream.Publish(new DeadLetter(message, sender ?? System.DeadLetters, Mediator));
    }

    /// <summary>
    /// After the system terminated (the mediator stopped and cancelled its readers): waits for the readers to let go of
    /// their rings, then unmaps the rings. A reader that does not stop in time keeps its ring mapped (never unmapped
    /// under a reader); the segment files stay (see the remarks on segments).
    /// </summary>
    private void Close()
    {
        lock (_openGate)
            _closed = true;
        TopicReader[] readers = [.. _readers.Keys];
        foreach (TopicReader reader in readers)
            reader.Dispose();
        if (!Task.WhenAll(readers.Select(r => r.Completion)).Wait(s_readerStopTimeout))
        {
            Log.Warning("Topic readers of {0} did not stop within {1}; their rings stay mapped.", System.Name, s_readerStopTimeout);
            return;
        }
        foreach (TopicRing ring in _rings.Values)
            ring.Dispose();
    }
}
