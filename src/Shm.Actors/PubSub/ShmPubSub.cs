using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Akka.Event;
using Shm.Node;
using Shm.Primitives;
using Shm.Transport.Remote;

namespace Shm.Actors.PubSub;

/// <summary>
/// Broadcast across the processes of one machine for Akka.NET: a mediator that speaks
/// <c>Akka.Cluster.Tools.PublishSubscribe</c>'s messages (<c>Publish</c>, <c>Subscribe</c>/<c>SubscribeAck</c>,
/// <c>Unsubscribe</c>/<c>UnsubscribeAck</c>, <c>Put</c>, <c>Remove</c>, <c>Send</c>, <c>SendToAll</c>,
/// <c>GetTopics</c>/<c>CurrentTopics</c>) over shared-memory topic rings, with no Akka.Cluster and no gossip. A
/// publish is serialized once and written once into the topic's ring (<c>{system}.topic.{name}</c>); every node that
/// has subscribers of the topic reads the ring once and tells each event to its local subscribers.
/// Code written for <c>DistributedPubSub</c> works unchanged once it takes its mediator from here:
/// <c>ShmPubSub.Get(system).Mediator</c> instead of <c>DistributedPubSub.Get(system).Mediator</c>.
/// </summary>
/// <remarks>
/// <para><b>Order.</b> A topic's events reach every node in the one order of its ring, so each publisher's in the order
/// it published them. <b>Late joiners</b> get the events published after their <c>SubscribeAck</c>, nothing older.</para>
/// <para><b>Loss is never silent.</b> In <c>overwrite</c> mode (the default) a node that falls a whole ring behind loses
/// the oldest events; each of its subscribers is told <see cref="TopicEventsLost"/> with the exact count where the gap
/// is, and <see cref="EventsLost"/> and the <c>shm.pubsub.events_lost</c> metric count them. In <c>backpressure</c>
/// mode publishers wait for the slowest node instead (a dead node's place is reclaimed).</para>
/// <para><b>Not as in Akka:</b> subscriptions with a group are refused (a <see cref="Status.Failure"/> in place of the
/// <c>SubscribeAck</c>), and so <c>Publish</c> with <c>sendOneMessageToEachGroup</c> delivers nothing; <c>Send</c>
/// reaches an actor <c>Put</c> on this node only (other nodes' are reached by <c>SendToAll</c> or a direct ref).</para>
/// <para>Configured by <c>akka.shm.pub-sub</c> (see the README); <see cref="ShareEvents"/> (or
/// <c>shared-event-types</c>) makes <c>EventStream</c> publications of a type reach every node of the box.</para>
/// </remarks>
public sealed class ShmPubSub : IExtension
{
    /// <summary>The topic the shared event stream travels on (not a name users can subscribe to: it starts with '$').</summary>
    internal const string EventStreamTopic = "$event-stream";

    /// <summary>The topic prefix of actors registered with <c>Put</c>: <c>$path/user/x</c>.</summary>
    internal const string PathTopicPrefix = "$path";

    private const int LoggedFailures = 10;
    private static readonly Meter s_meter = new("Shm.Actors.PubSub");
    private static readonly Counter<long> s_lost = s_meter.CreateCounter<long>("shm.pubsub.events_lost", "{event}", "Events of shm topics a node lost (overwritten before it read them).");

    private readonly ConcurrentDictionary<string, TopicRing> _rings = new();
    private readonly EnvelopeWriter _envelopes;
    private readonly object _sharingGate = new();
    private ImmutableArray<Type> _sharedTypes = [];
    private TopicReader? _eventStreamReader;
    private EventStreamPublisher? _eventStreamPublisher;
    private long _lost, _corrupt, _undelivered;
    private volatile bool _closed;

    internal ShmPubSub(ExtendedActorSystem system)
    {
        System = system;
        Settings = ShmPubSubSettings.Read(system.Settings.Config);
        Id = Random.Shared.Next(1, int.MaxValue);
        _envelopes = new EnvelopeWriter(system);
        IActorRef actor = system.SystemActorOf(Props.Create(() => new TopicMediator(this)), "shm-pubsub");
        Mediator = new MediatorRef(this, actor);
        system.RegisterOnTermination(Close);
        foreach (string typeName in Settings.SharedEventTypes)
            ShareEvents(Type.GetType(typeName, throwOnError: false)
                ?? throw new Akka.Configuration.ConfigurationException($"{ShmPubSubSettings.Path}.shared-event-types names '{typeName}', which is no type this process can load."));
    }

    /// <summary>The pub/sub of <paramref name="system"/> (started on first use).</summary>
    public static ShmPubSub Get(ActorSystem system) => system.WithExtension<ShmPubSub, ShmPubSubProvider>();

    /// <summary>The mediator: tell it <c>Akka.Cluster.Tools.PublishSubscribe</c>'s messages. A <c>Publish</c> told to this ref is written on the caller's thread.</summary>
    public IActorRef Mediator { get; }

    /// <summary>Events this node's readers lost (overwritten before they read them).</summary>
    public long EventsLost => Interlocked.Read(ref _lost);

    /// <summary>Events that made no sense to a reader (malformed) and were skipped.</summary>
    public long CorruptEvents => Interlocked.Read(ref _corrupt);

    /// <summary>Publishes that could not be written (did not serialize, too long, or no room in a backpressure ring in time): dead letters.</summary>
    public long UndeliveredPublishes => Interlocked.Read(ref _undelivered);

    internal ExtendedActorSystem System { get; }

    internal ShmPubSubSettings Settings { get; }

    /// <summary>This mediator's id, carried by the events it publishes (a node's own events are recognised by it).</summary>
    internal int Id { get; }

    /// <summary>
    /// Makes events of <paramref name="eventType"/> (and types derived from it) that are published on this node's
    /// <c>EventStream</c> reach the <c>EventStream</c> subscribers of every node of the box that shares the type too,
    /// each node's own events delivered there once, as before. Events are serialized with the serializer Akka picks
    /// for their type.
    /// </summary>
    public void ShareEvents(Type eventType)
    {
        ArgumentNullException.ThrowIfNull(eventType);
        lock (_sharingGate)
        {
            if (_closed || _sharedTypes.Contains(eventType))
                return;
            _sharedTypes = _sharedTypes.Add(eventType);
            _eventStreamPublisher ??= new EventStreamPublisher(this);
            _eventStreamReader ??= new TopicReader(this, Ring(EventStreamTopic), [], DeliverSharedEvent);
            System.EventStream.Subscribe(_eventStreamPublisher, eventType);
        }
    }

    /// <summary>As <see cref="ShareEvents(Type)"/> for <typeparamref name="TEvent"/>.</summary>
    public void ShareEvents<TEvent>() => ShareEvents(typeof(TEvent));

    /// <summary>The ring of <paramref name="topic"/>, opened (created if no node has yet) once per node.</summary>
    /// <exception cref="ArgumentException">The topic's name is not valid (the message says why).</exception>
    internal TopicRing Ring(string topic)
    {
        if (_rings.TryGetValue(topic, out TopicRing? ring))
            return ring;
        ObjectDisposedException.ThrowIf(_closed, this);
        TopicName.Validate(topic);
        lock (_rings)
        {
            return _rings.TryGetValue(topic, out ring)
                ? ring
                : _rings[topic] = TopicRing.Open(System.Name, topic, Settings.Rings.DefaultMode, Settings.Rings, Settings.SegmentDirectory);
        }
    }

    /// <summary>The topics of this system on the box: every topic ring that exists, created by any node.</summary>
    internal IImmutableSet<string> TopicsOnTheBox()
    {
        string prefix = TopicName.SegmentPrefix(System.Name);
        return Directory.EnumerateFiles(Settings.SegmentDirectory, prefix + "*")
            .Select(file => TopicName.FromSegmentName(Path.GetFileName(file)[prefix.Length..]))
            .Where(topic => topic is not null && !topic.StartsWith('$'))
            .Select(topic => topic!)
            .ToImmutableHashSet();
    }

    /// <summary>
    /// Writes one event into <paramref name="topic"/>'s ring on the calling thread; a dead letter (counted, logged the
    /// first few times) when it cannot be written.
    /// </summary>
    internal void Publish(string topic, object message, IActorRef? sender, bool excludeSelf = false)
    {
        TopicRing ring;
        ArrayBufferWriter<byte> buffer = DirectEnvelope.Begin();
        try
        {
            ring = Ring(topic);
            _envelopes.Write(buffer, ring.TopicUtf8, message, sender, EnvelopeFormat.UserMessage, TopicEvent.Tag(Id, excludeSelf));
        }
        catch (Exception error) when (error is not OutOfMemoryException)
        {
            Undelivered(topic, message, sender, error.Message);
            return;
        }
        ReadOnlySpan<byte> encoded = buffer.WrittenSpan[DirectEnvelope.FrameHeaderSize..];
        if (encoded.Length > ring.MaxEventBytes)
            Undelivered(topic, message, sender, $"it serializes to {encoded.Length} bytes, over the topic's {ring.MaxEventBytes} ({ShmPubSubSettings.Path}.max-event-bytes)");
        else if (!ring.Publish(encoded, ring.Mode == ShmPubSubMode.Backpressure ? Settings.Rings.PublishTimeout : TimeSpan.Zero))
            Undelivered(topic, message, sender, _closed ? "the system is shutting down" : $"the slowest node left no room within {Settings.Rings.PublishTimeout}");
    }

    private void Undelivered(string topic, object message, IActorRef? sender, string why)
    {
        if (Interlocked.Increment(ref _undelivered) <= LoggedFailures)
            System.Log.Warning("A publish of {0} to shm topic '{1}' was not written: {2}.", message.GetType(), topic, why);
        System.DeadLetters.Tell(new DeadLetter(message, sender ?? ActorRefs.NoSender, Mediator), sender ?? ActorRefs.NoSender);
    }

    internal void CountLost(string topic, long lost)
    {
        Interlocked.Add(ref _lost, lost);
        s_lost.Add(lost, new KeyValuePair<string, object?>("topic", topic));
    }

    internal void CountCorrupt(string topic)
    {
        if (Interlocked.Increment(ref _corrupt) <= LoggedFailures)
            System.Log.Warning("Skipped a malformed event in shm topic '{0}'.", topic);
    }

    internal void ReportStalled(string topic) =>
        System.Log.Warning("A subscriber's turn blocked the reader of shm topic '{0}' for over {1} ms; a new thread reads in its place. Actors should not block.",
            topic, WatchedReader.StallCheckInterval.TotalMilliseconds);

    /// <summary>An event of the shared event stream from another node: published here, not sent back out.</summary>
    private void DeliverSharedEvent(object message, IActorRef sender)
    {
        Type type = message.GetType();
        if (!_sharedTypes.Any(shared => shared.IsAssignableFrom(type)))
            return; // shared by another node, not by this one
        EventStreamPublisher.FromRing(() => System.EventStream.Publish(message));
    }

    private void Close()
    {
        lock (_sharingGate)
        {
            _closed = true;
            _eventStreamReader?.Dispose();
        }
        foreach (TopicRing ring in _rings.Values)
            ring.Dispose();
    }

    /// <summary>
    /// The event stream's subscriber for the shared types: each local publication goes into the ring. Called inside
    /// <c>EventStream.Publish</c>, on the publisher's thread, so a publication that came from the ring (marked on that
    /// thread) is recognised and not written back.
    /// </summary>
    private sealed class EventStreamPublisher(ShmPubSub owner) : MinimalActorRef
    {
        [ThreadStatic]
        private static bool t_fromRing;

        public override ActorPath Path { get; } = owner.System.Provider.TempPath();

        public override IActorRefProvider Provider => owner.System.Provider;

        public static void FromRing(Action publish)
        {
            t_fromRing = true;
            try
            {
                publish();
            }
            finally
            {
                t_fromRing = false;
            }
        }

        protected override void TellInternal(object message, IActorRef sender)
        {
            if (!t_fromRing)
                owner.Publish(EventStreamTopic, message, null, excludeSelf: true);
        }
    }
}

/// <summary>The extension id of <see cref="ShmPubSub"/> (for <c>akka.extensions</c> or <c>WithExtension</c>).</summary>
public sealed class ShmPubSubProvider : ExtensionIdProvider<ShmPubSub>
{
    /// <inheritdoc />
    public override ShmPubSub CreateExtension(ExtendedActorSystem system) => new(system);
}
