using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using Shm.Actors;
using Shm.Actors.Event;
using Shm.Actors.Internal;
using Shm.Primitives;
using Shm.Primitives.Segments;
using Shm.Transport.Membership;

namespace Shm.Transport.Remoting;

/// <summary>
/// This process's node of a system: its directory entry, its inbox ring and reader, the links to the other nodes,
/// membership events and remote DeathWatch. Created by the provider when the system starts; disposed when it
/// terminates (leaving the directory and removing the inbox).
/// </summary>
internal sealed partial class ShmTransportNode : IDisposable
{
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_writer;

    private readonly ActorSystem _system;
    private readonly IActorRefProvider _provider;
    private readonly IActorRefProvider _local;
    private readonly ShmTransportOptions _options;
    private readonly SegmentOptions _segmentOptions;
    private readonly NodeDirectory _directory;
    private readonly NodeEntry _self;
    private readonly ShmByteQueue _inbox;
    private readonly ConcurrentDictionary<string, OutboundLink> _links = new();
    private readonly ConcurrentDictionary<string, RemoteActorRef> _remoteRefs = new();
    private readonly Utf8KeyCache<IActorRef> _recipients = new(65_536);
    private readonly Utf8KeyCache<IActorRef> _senders = new(65_536);
    private readonly Utf8KeyCache<string> _manifests = new(4096);
    private readonly RemoteWatches _watches = new();
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<IActorRef, byte[]> _senderPaths = new();
    private readonly ConcurrentDictionary<string, byte[]> _manifestBytes = new();
    private readonly InboxReader _reader;
    private readonly MembershipWatcher _membership;
    private readonly string _addressPrefix;
    private long _deadLetters;
    private long _corruptEnvelopes;
    private long _undeserializable;
    private int _disposed;

    public ShmTransportNode(ActorSystem system, IActorRefProvider provider, IActorRefProvider local, ShmTransportOptions options)
    {
        _system = system;
        _provider = provider;
        _local = local;
        _options = options;
        _segmentOptions = SegmentOptions.Default with { Directory = options.SegmentDirectory };
        _addressPrefix = local.DefaultAddress.ToString();
        _directory = NodeDirectory.Open(system.Name + ".nodes", _segmentOptions);
        ShmByteQueue? inbox = null;
        try
        {
            // The inbox is created under the directory's lock, before the entry is published: a node other nodes can
            // see always has an inbox, and each incarnation gets a fresh one (nothing sent to an old one is read).
            _self = _directory.Join(options.NodeName, incarnation =>
            {
                string name = $"{system.Name}.{options.NodeName}.{incarnation}.inbox";
                ShmByteQueue.Unlink(name, _segmentOptions);
                inbox = ShmByteQueue.CreateNew(name, options.InboxCapacity, options.EffectiveArenaBytes, _segmentOptions);
                return name;
            }, out string? replaced);
            if (replaced is not null)
                ShmByteQueue.Unlink(replaced, _segmentOptions);
        }
        catch
        {
            if (inbox is not null)
            {
                inbox.Unlink();
                inbox.Dispose();
            }
            _directory.Dispose();
            throw;
        }
        _inbox = inbox!;
        _reader = new InboxReader(this, _inbox, options);
        _membership = new MembershipWatcher(_directory, _self, OnMemberUp, OnMemberDown);
    }

    /// <summary>This node's incarnation (unique per join of the directory).</summary>
    public long Incarnation => _self.Incarnation;

    /// <summary>The other nodes currently up.</summary>
    public IReadOnlyCollection<string> Members => [.. _links.Keys];

    /// <summary>Messages that became dead letters here (node down or unknown, buffer full).</summary>
    public long DeadLetterCount => Interlocked.Read(ref _deadLetters);

    /// <summary>Envelopes in the inbox that were malformed and skipped.</summary>
    public long CorruptEnvelopeCount => Interlocked.Read(ref _corruptEnvelopes);

    /// <summary>Envelopes whose payload failed to deserialize (logged and dropped).</summary>
    public long UndeserializableCount => Interlocked.Read(ref _undeserializable);

    /// <summary>Messages buffered for <paramref name="node"/> while its inbox is full.</summary>
    public int BufferedFor(string node) => _links.TryGetValue(node, out OutboundLink? link) ? link.Buffered : 0;

    public RemoteActorRef RemoteRefFor(ActorPath path) =>
        _remoteRefs.GetOrAdd(path.ToSerializationFormat(), static (_, state) => new RemoteActorRef(state.Node, state.Path), (Node: this, Path: path));

    /// <summary>Tell to a remote actor: serialize once, deliver or buffer; never blocks.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The message cannot be serialized (the message names its type).</exception>
    /// <exception cref="ArgumentException">The serialized message is larger than MaxMessageBytes.</exception>
    public void Send(RemoteActorRef recipient, object message, IActorRef? sender)
    {
        if (!_links.TryGetValue(recipient.Node, out OutboundLink? link))
        {
            DeadLetter(message, sender, recipient);
            return;
        }
        Actors.Serialization.Serializer serializer = _system.Serialization.FindSerializerFor(message);
        ArrayBufferWriter<byte> writer = Writer();
        ReadOnlySpan<byte> manifest = serializer.IncludeManifest ? ManifestBytes(serializer.Manifest(message)) : default;
        EnvelopeFormat.WriteHeader(writer, recipient.PathInNodeUtf8, SenderPath(sender), serializer.Identifier, manifest);
        serializer.ToBinary(message, writer);
        if (writer.WrittenCount > _options.MaxMessageBytes)
            throw new ArgumentException(
                $"A {message.GetType().FullName} to {recipient.Path} is {writer.WrittenCount} bytes serialized; the transport's MaxMessageBytes is {_options.MaxMessageBytes}.",
                nameof(message));
        if (!link.Send(writer.WrittenSpan, message, sender, recipient))
            DeadLetter(message, sender, recipient);
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
        if (!_links.TryGetValue(target.Node, out OutboundLink? link))
            return false;
        ArrayBufferWriter<byte> writer = Writer();
        EnvelopeFormat.WriteHeader(writer, target.PathInNodeUtf8, SenderPath(other), (int)kind | flags, default, EnvelopeFormat.SystemMessage);
        return link.Send(writer.WrittenSpan, kind, other, target);
    }

    private static ArrayBufferWriter<byte> Writer()
    {
        ArrayBufferWriter<byte> writer = t_writer ??= new ArrayBufferWriter<byte>(4096);
        writer.ResetWrittenCount();
        return writer;
    }

    /// <summary>The sender field: the ref's full path with uid, UTF-8, computed once per ref (refs are immutable).</summary>
    private ReadOnlySpan<byte> SenderPath(IActorRef? sender) =>
        sender is null
            ? default
            : _senderPaths.GetValue(sender, static s => Encoding.UTF8.GetBytes(Actors.Serialization.Serialization.SerializedActorPath(s)));

    private byte[] ManifestBytes(string manifest) =>
        _manifestBytes.Count < 4096
            ? _manifestBytes.GetOrAdd(manifest, static m => Encoding.UTF8.GetBytes(m))
            : _manifestBytes.TryGetValue(manifest, out byte[]? cached) ? cached : Encoding.UTF8.GetBytes(manifest);

    /// <summary>One envelope from the inbox, on the reader thread. Never throws: bad input is counted and dropped.</summary>
    internal void Dispatch(ReadOnlySpan<byte> envelope)
    {
        if (!EnvelopeFormat.TryRead(envelope, out EnvelopeView view))
        {
            CountCorrupt();
            return;
        }
        // Paths and manifests repeat: each is decoded and resolved once, then found by its bytes (reader thread only).
        IActorRef recipient = _recipients.GetOrAdd(envelope.Slice(view.RecipientOffset, view.RecipientLength),
            static (path, node) => node._local.ResolveActorRef(node._addressPrefix + path), this, IsLive);
        IActorRef? sender = view.SenderLength == 0
            ? null
            : _senders.GetOrAdd(envelope.Slice(view.SenderOffset, view.SenderLength), static (path, node) => node._provider.ResolveActorRef(path), this, IsLive);
        if (view.Kind == EnvelopeFormat.SystemMessage)
        {
            DispatchSystem(view, recipient, sender);
            return;
        }
        object message;
        try
        {
            string manifest = view.ManifestLength == 0
                ? ""
                : _manifests.GetOrAdd(envelope.Slice(view.ManifestOffset, view.ManifestLength), static (text, _) => text, 0);
            message = _system.Serialization.Deserialize(envelope[view.PayloadOffset..], view.SerializerId, manifest);
        }
        catch (Exception error)
        {
            Interlocked.Increment(ref _undeserializable);
            _system.Log.Warning(error, "Dropped a message for {0} from {1}: its payload (serializer {2}) could not be deserialized: {3}",
                recipient.Path, sender?.Path.ToString() ?? "no sender", view.SerializerId, error.Message);
            return;
        }
        recipient.Tell(message, sender);
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

    /// <summary>
    /// Whether a resolved ref may be reused: not dead letters (an unknown path may name an actor created later) and not a
    /// stopped local actor (a path without uid then names its successor).
    /// </summary>
    private bool IsLive(IActorRef resolved) =>
        !ReferenceEquals(resolved, _local.DeadLetters) && resolved is not InternalActorRef { IsLocal: true, IsTerminated: true };

    internal void CountCorrupt()
    {
        if (Interlocked.Increment(ref _corruptEnvelopes) <= 10)
            _system.Log.Warning("Skipped a malformed envelope in inbox {0}.", _self.InboxName);
    }

    private void DeadLetter(object message, IActorRef? sender, IActorRef recipient)
    {
        Interlocked.Increment(ref _deadLetters);
        if (message is SystemEnvelopeKind)
            return;
        _system.EventStream.Publish(new DeadLetter(message, sender ?? _local.DeadLetters, recipient));
    }

    private Address AddressOf(string node) => new(_local.DefaultAddress.Protocol, _system.Name, node);

    private void OnMemberUp(NodeEntry entry)
    {
        ShmByteQueue inbox;
        try
        {
            inbox = ShmByteQueue.OpenExisting(entry.InboxName, _segmentOptions);
        }
        catch (Exception error) when (error is IOException or InvalidDataException or ShmCorruptedException)
        {
            _system.Log.Warning("Node {0} is listed but its inbox {1} cannot be opened: {2}", entry.Name, entry.InboxName, error.Message);
            return;
        }
        var link = new OutboundLink(entry.Name, entry.Incarnation, inbox, _options.OutboundBufferMessages,
            pending => DeadLetter(pending.Message, pending.Sender, pending.Recipient));
        if (_links.TryRemove(entry.Name, out OutboundLink? old))
            old.Dispose();
        _links[entry.Name] = link;
        _system.EventStream.Publish(new MemberUp(AddressOf(entry.Name), entry.Incarnation, entry.Pid));
    }

    private void OnMemberDown(NodeEntry entry, bool died)
    {
        if (_links.TryGetValue(entry.Name, out OutboundLink? link) && link.Incarnation == entry.Incarnation && _links.TryRemove(new(entry.Name, link)))
            link.Dispose();
        foreach ((IActorRef watchee, InternalActorRef watcher) in _watches.RemoveNode(entry.Name))
            watcher.SendSystemMessage(new DeathWatchNotification(watchee, existenceConfirmed: false, addressTerminated: true));
        _system.EventStream.Publish(new MemberDown(AddressOf(entry.Name), entry.Incarnation, died));
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _directory.Leave(_self);
        _membership.Dispose();
        _reader.Dispose();
        foreach (OutboundLink link in _links.Values)
            link.Dispose();
        _links.Clear();
        _inbox.Unlink();
        _inbox.Dispose();
        _directory.Dispose();
    }
}
