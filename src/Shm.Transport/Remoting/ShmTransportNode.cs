using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Shm.Actors;
using Shm.Actors.Event;
using Shm.Actors.Internal;
using Shm.Transport.Driver;
using Shm.Transport.Spi;

namespace Shm.Transport.Remoting;

/// <summary>
/// The remoting layer of this process's node, above a <see cref="TransportDriver"/> (the shm driver): the handshake
/// that tells each peer who we are (address, incarnation, pid) and turns its arrival into MemberUp, envelopes
/// (serialization, remote refs, dispatch to local actors), remote DeathWatch, and MemberDown/AddressTerminated when an
/// association ends. Created by the provider when the system starts; disposed when it terminates.
/// </summary>
internal sealed partial class ShmTransportNode : IAssociationEventListener, IDisposable
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_writer;

    private readonly ActorSystem _system;
    private readonly IActorRefProvider _provider;
    private readonly IActorRefProvider _local;
    private readonly ShmTransportOptions _options;
    private readonly TransportDriver _driver;

    /// <summary>The driver below (the shm driver unless a test passed another).</summary>
    internal TransportDriver Driver => _driver;
    private readonly long _incarnation;
    private readonly ConcurrentDictionary<string, PeerEndpoint> _peers = new();
    private int _peersVersion; // bumped after every change of _peers, which invalidates the lookups refs cache
    private readonly ConcurrentDictionary<string, RemoteActorRef> _remoteRefs = new();
    private readonly InboundResolver _inbound;
    private readonly InlineTurns _inboxTurns = new(); // the driver's reader is the one caller of Dispatch
    private readonly RemoteWatches _watches = new();
    private readonly EnvelopeFieldCache _fields = new();
    private readonly byte[] _handshake;
    private readonly IDisposable _metrics;
    private long _deadLetters;
    private long _corruptEnvelopes;
    private long _undeserializable;
    private volatile bool _disposing;

    /// <param name="system">The system this node belongs to.</param>
    /// <param name="provider">The resolving provider (remote refs included).</param>
    /// <param name="local">The system's local provider.</param>
    /// <param name="options">Transport options.</param>
    /// <param name="driver">The driver below; null: the shm driver. Nothing here depends on which driver it is.</param>
    public ShmTransportNode(ActorSystem system, IActorRefProvider provider, IActorRefProvider local, ShmTransportOptions options, TransportDriver? driver = null)
    {
        _system = system;
        _provider = provider;
        _local = local;
        _options = options;
        _inbound = new InboundResolver(local, provider);
        _driver = driver ?? new ShmTransportDriver(system.Name, options, DriverLog.Of(system.Log));
        (Address bound, TaskCompletionSource<IAssociationEventListener> listener) = _driver.Listen().GetAwaiter().GetResult();
        // The shm driver's incarnation comes from the node directory; another driver gets a random uid per start.
        _incarnation = _driver is ShmTransportDriver shm ? shm.Incarnation : Random.Shared.NextInt64(1, long.MaxValue);
        _handshake = HandshakeFormat.Write(bound, _incarnation, Environment.ProcessId);
        MetricsTag = $"{system.Name}@{options.NodeName}";
        Counters = new Diagnostics.TransportMetrics.NodeCounters(() => DeadLetterCount, () => (_driver as ShmTransportDriver)?.InboxCount ?? 0);
        _metrics = Diagnostics.TransportMetrics.Register(MetricsTag, Counters);
        StartAsks();
        listener.SetResult(this);
    }

    /// <summary>This node's metric counters (see Diagnostics.TransportMetrics).</summary>
    internal Diagnostics.TransportMetrics.NodeCounters Counters { get; }

    /// <summary>This node's <c>shm.node</c> metric tag: <c>{system}@{node}</c>.</summary>
    internal string MetricsTag { get; }

    /// <summary>The options this node was started with (node name, segment directory, limits).</summary>
    public ShmTransportOptions Options => _options;

    /// <summary>This node's incarnation (unique per join of the directory).</summary>
    public long Incarnation => _incarnation;

    /// <summary>The other nodes whose handshake arrived and that are still associated.</summary>
    public IReadOnlyCollection<string> Members => [.. _peers.Where(p => p.Value.IsUp).Select(p => p.Key)];

    /// <summary>Messages that became dead letters here (node down or unknown, buffer full), plus payloads the driver dropped.</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetters) + ((_driver as ShmTransportDriver)?.DroppedPayloads ?? 0);

    /// <summary>Envelopes (and driver frames) in the inbox that were malformed and skipped.</summary>
    public long CorruptEnvelopeCount => Interlocked.Read(ref _corruptEnvelopes) + ((_driver as ShmTransportDriver)?.CorruptFrames ?? 0);

    /// <summary>Envelopes whose payload failed to deserialize (logged and dropped).</summary>
    public long UndeserializableCount => Interlocked.Read(ref _undeserializable);

    /// <summary>The driver offered an association (a node came up): listen to it and introduce ourselves.</summary>
    public void Notify(IAssociationEvent associationEvent)
    {
        if (associationEvent is not InboundAssociation { Handle: var handle } || handle.RemoteAddress.Host is not { } node)
            return;
        var peer = new PeerEndpoint(this, handle);
        if (_peers.TryGetValue(node, out PeerEndpoint? old))
            OnPeerDown(old, died: true);
        _peers[node] = peer;
        Interlocked.Increment(ref _peersVersion);
        handle.ReadHandlerSource.TrySetResult(peer);
        handle.Write(_handshake);
    }

    public RemoteActorRef RemoteRefFor(ActorPath path) =>
        _remoteRefs.GetOrAdd(path.ToSerializationFormat(), static (_, state) => new RemoteActorRef(state.Node, state.Path), (Node: this, Path: path));

    /// <summary>Tell to a remote actor: serialize once, deliver or buffer; never blocks.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The message cannot be serialized (the message names its type).</exception>
    /// <exception cref="ArgumentException">The serialized message is larger than MaxMessageBytes.</exception>
    public void Send(RemoteActorRef recipient, object message, IActorRef? sender)
    {
        MailboxRingLink mailbox = MailboxLinkOf(recipient);
        if (mailbox.RingIn(_options.SegmentDirectory) is { } ring)
        {
            // The recipient has a shm mailbox: straight into its ring, whether its node is up or not (it waits there).
            if (!TryWriteToMailbox(ring, mailbox.RecipientPath, message, sender))
                DeadLetter(message, sender, recipient);
            return;
        }
        if (PeerOf(recipient) is not { } peer)
        {
            DeadLetter(message, sender, recipient);
            return;
        }
        ArrayBufferWriter<byte> envelope = Serialize(recipient, message, sender);
        if (!peer.Handle.Write(envelope.WrittenSpan))
        {
            DeadLetter(message, sender, recipient);
            return;
        }
        Counters.Messages.Sent(envelope.WrittenCount);
    }

    /// <summary>The association of <paramref name="recipient"/>'s node, or null; the ref keeps the lookup until the peers change.</summary>
    private PeerEndpoint? PeerOf(RemoteActorRef recipient)
    {
        // The version is read before the lookup: a change after it makes the stored lookup stale, never the other way.
        int version = Volatile.Read(ref _peersVersion);
        if (recipient.Peer is { } cached && cached.Version == version)
            return cached.Endpoint;
        _peers.TryGetValue(recipient.Node, out PeerEndpoint? peer);
        recipient.Peer = new PeerLookup(peer, version);
        return peer;
    }

    /// <summary>A ref's cached peer lookup: the endpoint (null: none) as of a version of the peer table.</summary>
    internal sealed record PeerLookup(PeerEndpoint? Endpoint, int Version);

    /// <summary>The envelope of a user message, in this thread's writer (valid until its next use).</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The message cannot be serialized.</exception>
    /// <exception cref="ArgumentException">The envelope is larger than MaxMessageBytes.</exception>
    private ArrayBufferWriter<byte> Serialize(RemoteActorRef recipient, object message, IActorRef? sender)
    {
        ArrayBufferWriter<byte> writer = Writer();
        WriteMessage(writer, recipient.PathInNodeUtf8, _fields.SenderPath(sender), message, EnvelopeFormat.UserMessage);
        if (writer.WrittenCount > _options.MaxMessageBytes)
            throw new ArgumentException(
                $"A {message.GetType().FullName} to {recipient.Path} is {writer.WrittenCount} bytes serialized; the transport's MaxMessageBytes is {_options.MaxMessageBytes}.",
                nameof(message));
        return writer;
    }

    /// <summary>An envelope's header and the serialized message.</summary>
    private void WriteMessage(ArrayBufferWriter<byte> writer, ReadOnlySpan<byte> recipient, ReadOnlySpan<byte> sender, object message, byte kind)
    {
        Actors.Serialization.Serializer serializer = _system.Serialization.FindSerializerFor(message);
        ReadOnlySpan<byte> manifest = serializer.IncludeManifest ? _fields.Manifest(serializer.Manifest(message)) : default;
        EnvelopeFormat.WriteHeader(writer, recipient, sender, serializer.Identifier, manifest, kind);
        serializer.ToBinary(message, writer);
    }

    /// <summary>System messages to a remote ref: the Watch/Unwatch/DeathWatchNotification of remote DeathWatch.</summary>
    public void SendSystemMessage(RemoteActorRef target, SystemMessage message)
    {
        switch (message)
        {
            case Watch watch when watch.Watcher is InternalActorRef watcher:
                if (!_watches.Add(target, watcher))
                    return;
                if (!SendSystem(target, SystemEnvelopeKind.Watch, watcher))
                    watcher.SendSystemMessage(new DeathWatchNotification(target, existenceConfirmed: false, addressTerminated: true));
                break;
            case Unwatch unwatch when unwatch.Watcher is InternalActorRef watcher:
                if (_watches.Remove(target, watcher))
                    SendSystem(target, SystemEnvelopeKind.Unwatch, watcher);
                break;
            case DeathWatchNotification notification:
                int flags = notification.ExistenceConfirmed ? SystemEnvelopeFlags.ExistenceConfirmed : 0;
                SendSystem(target, SystemEnvelopeKind.DeathWatchNotification, notification.Actor, flags);
                break;
        }
    }

    private bool SendSystem(RemoteActorRef target, SystemEnvelopeKind kind, IActorRef other, int flags = 0)
    {
        if (PeerOf(target) is not { } peer)
            return false;
        ArrayBufferWriter<byte> writer = Writer();
        EnvelopeFormat.WriteHeader(writer, target.PathInNodeUtf8, _fields.SenderPath(other), (int)kind | flags, default, EnvelopeFormat.SystemMessage);
        return peer.Handle.Write(writer.WrittenSpan);
    }

    private static ArrayBufferWriter<byte> Writer()
    {
        ArrayBufferWriter<byte> writer = t_writer ??= new ArrayBufferWriter<byte>(4096);
        writer.ResetWrittenCount();
        return writer;
    }


    /// <summary>One envelope from the inbox, on the reader thread. Never throws: bad input is counted and dropped.</summary>
    internal void Dispatch(PeerEndpoint from, ReadOnlySpan<byte> envelope)
    {
        Counters.Messages.Received(envelope.Length);
        if (HandshakeFormat.IsHandshake(envelope))
        {
            if (HandshakeFormat.TryRead(envelope, out Address? address, out long incarnation, out int pid) && address.Host == from.Handle.RemoteAddress.Host)
                OnPeerUp(from, address, incarnation, pid);
            else
                CountCorrupt();
            return;
        }
        if (!EnvelopeFormat.TryRead(envelope, out EnvelopeView view) || view.Kind is EnvelopeFormat.AskReply or EnvelopeFormat.AskRequest)
        {
            CountCorrupt();
            return;
        }
        IActorRef recipient = _inbound.Recipient(envelope, view);
        IActorRef? sender = _inbound.Sender(envelope, view);
        if (view.Kind == EnvelopeFormat.SystemMessage)
        {
            DispatchSystem(view, recipient, sender);
            return;
        }
        if (TryDeserialize(_inbound, envelope, view, recipient, sender, out object? message))
            _inboxTurns.Tell(recipient, message, sender);
    }

    /// <summary>The message of a user envelope; false (logged and counted) if its payload does not deserialize.</summary>
    internal bool TryDeserialize(InboundResolver resolver, ReadOnlySpan<byte> envelope, in EnvelopeView view, IActorRef recipient, IActorRef? sender,
        [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out object? message)
    {
        try
        {
            message = _system.Serialization.Deserialize(envelope[view.PayloadOffset..], view.SerializerId, resolver.Manifest(envelope, view));
            return true;
        }
        catch (Exception error)
        {
            Interlocked.Increment(ref _undeserializable);
            _system.Log.Warning(error, "Dropped a message for {0} from {1}: its payload (serializer {2}) could not be deserialized: {3}",
                recipient.Path, sender?.Path.ToString() ?? "no sender", view.SerializerId, error.Message);
            message = null;
            return false;
        }
    }

    private void DispatchSystem(in EnvelopeView view, IActorRef recipient, IActorRef? other)
    {
        if (other is not InternalActorRef remote || recipient is not InternalActorRef local)
        {
            CountCorrupt();
            return;
        }
        switch ((SystemEnvelopeKind)(view.SerializerId & 0xFF))
        {
            case SystemEnvelopeKind.Watch:
                if (ReferenceEquals(local, _local.DeadLetters))
                    remote.SendSystemMessage(new DeathWatchNotification(local, existenceConfirmed: false, addressTerminated: false));
                else
                    local.SendSystemMessage(new Watch(local, remote));
                break;
            case SystemEnvelopeKind.Unwatch:
                local.SendSystemMessage(new Unwatch(local, remote));
                break;
            case SystemEnvelopeKind.DeathWatchNotification:
                if (_watches.Remove(remote, local))
                {
                    bool confirmed = (view.SerializerId & SystemEnvelopeFlags.ExistenceConfirmed) != 0;
                    local.SendSystemMessage(new DeathWatchNotification(remote, confirmed, addressTerminated: false));
                }
                break;
            default:
                CountCorrupt();
                break;
        }
    }

    internal void CountCorrupt()
    {
        if (Interlocked.Increment(ref _corruptEnvelopes) <= 10)
            _system.Log.Warning("Skipped a malformed envelope sent to node {0}.", _local.DefaultAddress);
    }

    internal void DeadLetter(object message, IActorRef? sender, IActorRef recipient)
    {
        Interlocked.Increment(ref _deadLetters);
        _system.EventStream.Publish(new DeadLetter(message, sender ?? _local.DeadLetters, recipient));
    }

    private void OnPeerUp(PeerEndpoint peer, Address address, long incarnation, int pid)
    {
        if (!peer.MarkUp(incarnation))
            return;
        _system.EventStream.Publish(new MemberUp(address, incarnation, pid));
    }

    internal void OnPeerDown(PeerEndpoint peer, bool died)
    {
        string node = peer.Handle.RemoteAddress.Host!;
        if (_peers.TryRemove(new(node, peer)))
            Interlocked.Increment(ref _peersVersion);
        _askClients?.NodeDown(node, peer.Incarnation);
        if (_disposing || !peer.MarkDown())
            return;
        if (died)
            Interlocked.Increment(ref Counters.NodeDeaths);
        foreach ((IActorRef watchee, InternalActorRef watcher) in _watches.RemoveNode(node))
            watcher.SendSystemMessage(new DeathWatchNotification(watchee, existenceConfirmed: false, addressTerminated: true));
        _system.EventStream.Publish(new MemberDown(peer.Handle.RemoteAddress, peer.Incarnation, died));
    }

    public void Dispose()
    {
        if (_disposing)
            return;
        _disposing = true;
        _metrics.Dispose(); // before the driver unmaps the inbox its inbox-count reads
        StopAsks();
        CloseMailboxRings();
        _driver.Shutdown().GetAwaiter().GetResult();
    }
}
