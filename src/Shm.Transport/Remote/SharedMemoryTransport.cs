using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Remote;
using Akka.Remote.Transport;
using Shm.Node;
using Shm.Transport.Diagnostics;
using AkkaTransport = Akka.Remote.Transport.Transport;

namespace Shm.Transport.Remote;

/// <summary>
/// The <c>akka.remote.shm</c> transport: Akka.Remote (and so Akka.Cluster) between the processes of one machine through
/// shared-memory rings, with no socket, port, broker or daemon.
/// <list type="bullet">
/// <item>Listening joins the box's node directory of the actor system's name as node <c>hostname</c> and creates this
/// node's inbox ring; the bound address is <c>akka.shm://{system}@{hostname}:1</c>. The host is the node's name; the
/// port carries nothing and is always <see cref="Port"/> (1, not 0: Akka.Cluster's wire format reads a port of 0 as no
/// port at all, and an address without one is not the same address).</item>
/// <item>An association to another node writes into that node's inbox ring; every association between two nodes shares
/// one ordered link (see <see cref="LinkFrame"/>). <see cref="AssociationHandle.Write"/> never blocks: a full ring is
/// absorbed by a bounded buffer drained asynchronously, and only past it does Write return false.</item>
/// <item>A peer whose process dies (even by kill -9) is reported by the kernel through a pidfd: its associations hear
/// <see cref="Disassociated"/> at once, and <see cref="ProcessLivenessFailureDetector"/> turns it into DeathWatch's
/// <c>Terminated</c> without waiting for heartbeats.</item>
/// </list>
/// </summary>
/// <example><code>
/// akka.actor.provider = remote
/// akka.remote.enabled-transports = ["akka.remote.shm"]
/// akka.remote.shm { transport-class = "Shm.Transport.Remote.SharedMemoryTransport, Shm.Transport", hostname = worker-1 }
/// </code></example>
public sealed class SharedMemoryTransport : AkkaTransport
{
    /// <summary>The address scheme (Akka shows it with its prefix: <c>akka.shm</c>).</summary>
    public const string Scheme = "shm";

    /// <summary>The port of every shm address: nothing is bound, and Akka wants a port that survives its wire formats.</summary>
    public const int Port = 1;

    /// <summary>The scheme as Akka shows it, on actor paths and in watchers' maps.</summary>
    internal const string AkkaScheme = "akka." + Scheme;

    private const int LoggedCorruptFrames = 10;

    private static readonly ConditionalWeakTable<EventStream, SharedMemoryTransport> s_bySystem = new();

    private readonly NodeOptions _options;
    private readonly ILoggingAdapter _log;
    private readonly ShmNode _node;
    private IDisposable? _metrics;
    private readonly ConcurrentDictionary<NodeLink, PeerAssociations> _peers = new();
    private readonly TaskCompletionSource<IAssociationEventListener> _associations = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Address? _bound;
    private DirectInbound? _direct; // the inbox reader's only
    private AskClients? _askClients;
    private readonly Lock _slotsGate = new();
    private ResponseSlots? _responseSlots;
    private long _corrupt;

    /// <summary>Created by Akka.Remote from the <c>akka.remote.shm</c> block (its <c>transport-class</c>).</summary>
    /// <param name="system">The actor system.</param>
    /// <param name="config">The transport's block: the keys <see cref="SharedMemoryTransportSettings"/> lists.</param>
    /// <exception cref="ConfigurationException">A key is out of range (the message names it and its limit).</exception>
    public SharedMemoryTransport(ActorSystem system, Config config)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(config);
        System = system;
        Config = config;
        _options = SharedMemoryTransportSettings.Read(config);
        _log = Logging.GetLogger(system, typeof(SharedMemoryTransport));
        _node = new ShmNode(system.Name, _options, new NodeLog(message => _log.Warning(message), (cause, message) => _log.Error(cause, message)));
    }

    /// <inheritdoc />
    public override string SchemeIdentifier => Scheme;

    /// <summary>The largest payload (one Akka PDU) an association carries: <c>maximum-payload-bytes</c>, default 256 KiB.</summary>
    public override long MaximumPayloadBytes => _options.MaxMessageBytes - LinkFrame.HeaderSize;

    /// <summary>This node's name in the node directory (the host of its address).</summary>
    public string NodeName => _options.NodeName;

    /// <summary>Where this node's segments live (its inbox, ask channel and shm mailboxes).</summary>
    internal string SegmentDirectory => _options.SegmentDirectory;

    /// <summary>Frames that made no sense (malformed, or for nothing known) and were skipped, this transport's and its inbox's.</summary>
    public long CorruptFrames => Interlocked.Read(ref _corrupt) + _node.CorruptFrames;

    /// <summary>Direct-path messages that arrived but could not be delivered (they did not deserialize, or a system message was not one).</summary>
    public long UndeliverableMessages => Volatile.Read(ref _direct)?.Undeliverable ?? 0;

    /// <summary>Payloads accepted by Write that were never delivered because their node went down while they were buffered.</summary>
    public long DroppedPayloads => _node.DroppedPayloads;

    /// <summary>The shm transport of <paramref name="system"/>'s event stream, if it runs one (how the failure detector finds it).</summary>
    internal static SharedMemoryTransport? Of(EventStream system) => s_bySystem.TryGetValue(system, out SharedMemoryTransport? transport) ? transport : null;

    /// <summary>Joins the node directory and opens this node's inbox; returns <c>akka.shm://{system}@{hostname}:1</c>.</summary>
    /// <exception cref="InvalidOperationException">A live process already holds the node name.</exception>
    public override Task<(Address, TaskCompletionSource<IAssociationEventListener>)> Listen()
    {
        _bound = new Address(Scheme, System.Name, _options.NodeName, Port);
        _node.Start(link => PeerOf(link));
        _metrics = TransportMetrics.Register($"{System.Name}@{_options.NodeName}", Snapshot);
        _askClients = new AskClients(_node);
        s_bySystem.AddOrUpdate(System.EventStream, this);
        return Task.FromResult((_bound, _associations));
    }

    /// <summary>Whether <paramref name="remote"/> is an shm address (with or without Akka's <c>akka.</c> prefix).</summary>
    public override bool IsResponsibleFor(Address remote) => remote.Protocol is Scheme or AkkaScheme;

    /// <summary>Opens an association to the node <paramref name="remote"/> names (its host), if that node is up.</summary>
    /// <exception cref="InvalidAssociationException">The address is not one of this box's nodes of this system, or that node is not up.</exception>
    public override Task<AssociationHandle> Associate(Address remote)
    {
        try
        {
            if (_bound is null)
                throw new InvalidOperationException("The shm transport is not listening yet.");
            if (!IsResponsibleFor(remote) || remote.System != System.Name || remote.Host is not { Length: > 0 } node || remote.Port is not Port)
                throw new InvalidAssociationException(
                    $"{remote} is not an address of this box's shm nodes of system {System.Name}: they read akka.shm://{System.Name}@<node>:{Port}.");
            if (!_node.TryGetOrAdmit(node, out NodeLink? link))
                throw new InvalidAssociationException($"No node {node} of system {System.Name} is up on this box (none is listed in its node directory).");
            return Task.FromResult<AssociationHandle>(PeerOf(link!).Open());
        }
        catch (Exception error)
        {
            return Task.FromException<AssociationHandle>(error);
        }
    }

    /// <summary>Leaves the node directory (peers hear Disassociated, Shutdown) and removes this node's inbox.</summary>
    public override Task<bool> Shutdown()
    {
        s_bySystem.Remove(System.EventStream);
        _metrics?.Dispose();
        _askClients?.Dispose();
        if (_responseSlots is not null)
            ((ExtendedActorSystem)System).Provider.UnregisterTempActor(_responseSlots.Path);
        _node.Dispose();
        return Task.FromResult(true);
    }

    /// <summary>The largest frame a node link carries: a payload and the frame's header.</summary>
    internal int MaximumFrameBytes => _options.MaxMessageBytes;

    /// <summary>Changes whenever a node link closes (see <see cref="ShmNode.HandlesVersion"/>).</summary>
    internal int HandlesVersion => _node.HandlesVersion;

    /// <summary>The link to <paramref name="node"/> (the direct path's way to it), or null when that node is not up.</summary>
    internal NodeLink? LinkTo(string node)
    {
        if (_bound is null || !_node.TryGetOrAdmit(node, out NodeLink? link))
            return null;
        PeerOf(link!); // its frames back to this node are read from now on
        return link;
    }

    /// <summary>A direct-path frame from a peer (on the inbox reader's thread).</summary>
    internal void DeliverDirect(ReadOnlySpan<byte> frame)
    {
        if (!(_direct ??= new DirectInbound((ExtendedActorSystem)System, _bound!.WithProtocol(AkkaScheme), ResponseSlotsFor(null))).Deliver(frame))
            CountCorrupt();
    }

    /// <summary>
    /// This node's response slots as Akka refs, made once and registered under <c>/temp</c>; replies serialized by the
    /// provider's direct path, or (asked by a node whose provider has none) by one of the transport's own.
    /// </summary>
    private ResponseSlots ResponseSlotsFor(DirectPath? direct)
    {
        lock (_slotsGate)
        {
            if (_responseSlots is not null)
                return _responseSlots;
            var system = (ExtendedActorSystem)System;
            var provider = (RemoteActorRefProvider)system.Provider;
            _responseSlots = new ResponseSlots(provider, direct ?? new DirectPath(system, provider.RemoteSettings), _node.AskChannel);
            provider.RegisterTempActor(_responseSlots, _responseSlots.Path);
            return _responseSlots;
        }
    }

    /// <summary>
    /// Serves asks from other nodes on the direct path with <paramref name="direct"/> serializing the replies (the
    /// provider calls this once the transport listens): an ask arrives in the inbox, in order with the Tells from its
    /// node, and reaches its recipient with a <see cref="ResponseSlotRef"/> of this node's ask channel as the sender.
    /// </summary>
    internal void ServeAsks(DirectPath direct) => ResponseSlotsFor(direct);

    /// <summary>Replies to asks from other nodes written after their askers gave up (rejected by the slots' generation check).</summary>
    public long LateAskReplies => _responseSlots?.LateReplies ?? 0;

    /// <summary>
    /// The ask channel of <paramref name="peer"/>'s incarnation with a reference taken for one ask (the caller calls
    /// <see cref="AskChannelClient.Exit"/>), or null when it cannot be opened (the node is gone, or serves no asks).
    /// </summary>
    internal AskChannelClient? EnterAskChannel(Shm.Node.Membership.NodeEntry peer) => _askClients?.Enter(peer.Name, peer.Incarnation);

    /// <summary>This node's incarnation (after Listen): what its cells in other nodes' inboxes carry as their origin.</summary>
    internal long Incarnation => _node.Incarnation;

    /// <summary>The newest incarnation of <paramref name="node"/> seen up, maybe departed since, or 0 (for the failure detector).</summary>
    internal long LatestIncarnationOf(string node) => _node.LatestIncarnationOf(node);

    /// <summary>Whether <paramref name="incarnation"/> of a node is known to have died or left (for the failure detector).</summary>
    internal bool HasDeparted(long incarnation) => _node.HasDeparted(incarnation);

    /// <summary>An association the peer opened: offered to Akka once it listens.</summary>
    internal void Offer(SharedMemoryAssociationHandle handle) =>
        _associations.Task.ContinueWith(static (task, state) => task.Result.Notify(new InboundAssociation((AssociationHandle)state!)),
            handle, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously | TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    /// <summary>
    /// A peer's link ended. When its process died, the remote watcher is asked to look at its failure detectors now
    /// rather than at its next reaper tick, so DeathWatch's Terminated follows the kernel's report within milliseconds.
    /// It is first told that the node's first heartbeat is due, which starts a detector for a node watched so recently
    /// that none has heard from it yet (a no-op for one already monitored or not watched at all).
    /// </summary>
    internal void PeerDown(PeerAssociations peer, bool died)
    {
        foreach (KeyValuePair<NodeLink, PeerAssociations> entry in _peers)
        {
            if (ReferenceEquals(entry.Value, peer))
                _peers.TryRemove(entry);
        }
        _askClients?.NodeDown(peer.Peer.Name, peer.Peer.Incarnation); // its pending asks fail now, not at their timeouts
        if (!died)
            return;
        ActorSelection watcher = System.ActorSelection("/system/remote-watcher");
        watcher.Tell(new RemoteWatcher.ExpectedFirstHeartbeat(peer.RemoteAddress.WithProtocol(AkkaScheme)));
        watcher.Tell(RemoteWatcher.ReapUnreachableTick.Instance);
    }

    private TransportMetrics.NodeSnapshot Snapshot()
    {
        (long messagesSent, long bytesSent, long messagesReceived, long bytesReceived) = _node.Messages.Sum();
        long direct = ((ExtendedActorSystem)System).Provider is IDirectPathProvider { Direct: { } path } ? path.DeadLetters : 0;
        return new(messagesSent, bytesSent, messagesReceived, bytesReceived, direct + UndeliverableMessages + DroppedPayloads,
            _node.NodeDeaths, _node.InboxCount);
    }

    /// <summary>A frame that made no sense: counted, and logged the first few times.</summary>
    internal void CountCorrupt()
    {
        if (Interlocked.Increment(ref _corrupt) <= LoggedCorruptFrames)
            _log.Warning("Skipped a malformed akka.remote.shm frame in the inbox of node {0}.", _options.NodeName);
    }

    private PeerAssociations PeerOf(NodeLink link)
    {
        PeerAssociations peer = _peers.GetOrAdd(link, static (link, transport) =>
            new PeerAssociations(transport, link, transport._bound!, new Address(Scheme, transport.System.Name, link.Peer.Name, Port)), this);
        link.Attach(peer); // the first caller's peer reads the link; it is the one GetOrAdd keeps
        return peer;
    }
}
