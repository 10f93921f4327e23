using Shm.Actors;
using Shm.Primitives;
using Shm.Primitives.Segments;
using Shm.Transport.Membership;
using Shm.Transport.Spi;

namespace Shm.Transport.Driver;

/// <summary>
/// The shared-memory transport driver. Binding a node joins the system's node directory and creates the node's inbox
/// ring (many writers, one reader); an association to another node is its inbox ring (written) plus the frames of
/// ours that it wrote (read). Every inbox cell names its origin incarnation (see <see cref="InboxCell"/>). Membership comes from the directory
/// and a pidfd per other node: every node that comes up is offered as an inbound association, and one that dies or
/// leaves is disassociated (Unknown or Shutdown) as soon as the kernel reports it.
/// </summary>
internal sealed class ShmTransportDriver : TransportDriver, IDisposable
{
    private readonly string _system;
    private readonly ShmTransportOptions _options;
    private readonly DriverLog _log;
    private readonly SegmentOptions _segmentOptions;
    private readonly TaskCompletionSource<IAssociationEventListener> _listener = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Dictionary<long, ShmAssociationHandle> _byIncarnation = [];
    private readonly Dictionary<string, ShmAssociationHandle> _byNode = [];
    private readonly HashSet<long> _departed = []; // incarnations reported down: what they left in the inbox is dropped
    private readonly Dictionary<string, long> _latest = []; // the newest incarnation seen up of each node name, up or departed since
    private int _handlesVersion; // bumped under the lock whenever a handle leaves _byIncarnation: the reader's cache is then stale

    // The reader's last lookup (its thread only): while traffic flows most cells come from the origin before them, and
    // the lookup then costs no lock. Valid while _handlesVersion is unchanged.
    private long _lastOrigin;
    private ShmAssociationHandle? _lastHandle;
    private int _lastVersion = -1;
    private NodeDirectory? _directory;
    private NodeEntry _self;
    private ShmQueue<InboxCell>? _inbox;
    private ShmReqRepServer? _asks;
    private InboxReader? _reader;
    private MembershipWatcher? _membership;
    private Address? _bound;
    private long _corrupt;
    private long _dropped;
    private int _disposed;

    public ShmTransportDriver(string system, ShmTransportOptions options, DriverLog log)
    {
        _system = system;
        _options = options;
        _log = log;
        _segmentOptions = SegmentOptions.Default with { Directory = options.SegmentDirectory };
    }

    public override string SchemeIdentifier => Address.LocalProtocol;

    public override long MaximumPayloadBytes => _options.MaxMessageBytes;

    /// <summary>This node's incarnation (valid after Listen).</summary>
    public long Incarnation => _self.Incarnation;

    /// <summary>This node's ask channel (valid after Listen): asks to its actors arrive here and are answered in its slots.</summary>
    public ShmReqRepServer AskChannel => _asks ?? throw new InvalidOperationException("The driver is not listening.");

    /// <summary>Inbox cells waiting to be read (a message longer than one cell takes several): for monitoring.</summary>
    public long InboxCount => _inbox is { } inbox && Volatile.Read(ref _disposed) == 0 ? inbox.Count : 0;

    /// <summary>
    /// Changes whenever an association leaves (its node died or left): a link looked up before is still good while this
    /// has not changed, so senders may keep the link they found and check only this.
    /// </summary>
    public int HandlesVersion => Volatile.Read(ref _handlesVersion);

    /// <summary>The segment options every segment of this system uses.</summary>
    public SegmentOptions SegmentOptions => _segmentOptions;

    /// <summary>The segment name of the ask channel of one incarnation of a node.</summary>
    public string AskChannelName(string node, long incarnation) => $"{_system}.{node}.{incarnation}.asks";

    /// <summary>Messages begun in the inbox by several cells and not finished yet (a snapshot, for monitoring and tests).</summary>
    internal int UnfinishedMessages => _reader?.UnfinishedMessages ?? 0;

    /// <summary>How many times a new inbox reader took over from one blocked in an actor's turn (for tests and monitoring).</summary>
    internal int ReaderTakeOvers => _reader?.TakeOvers ?? 0;

    /// <summary>Inbox cells and messages that were malformed (out of range, unknown origin) and skipped.</summary>
    public long CorruptFrames => Interlocked.Read(ref _corrupt);

    /// <summary>Payloads accepted by Write but never delivered (their node went down while they were buffered).</summary>
    public long DroppedPayloads => Interlocked.Read(ref _dropped);

    public override Task<(Address Bound, TaskCompletionSource<IAssociationEventListener> ListenerPromise)> Listen()
    {
        _directory = NodeDirectory.Open(_system + ".nodes", _segmentOptions);
        try
        {
            // The inbox and the ask channel are created under the directory's lock, before the entry is published: a
            // node others can see always has both, and each incarnation gets fresh ones (nothing sent to an old one is
            // ever read).
            _self = _directory.Join(_options.NodeName, incarnation =>
            {
                string inbox = $"{_system}.{_options.NodeName}.{incarnation}.inbox";
                string asks = AskChannelName(_options.NodeName, incarnation);
                ShmQueue<InboxCell>.Unlink(inbox, _segmentOptions);
                ShmReqRepServer.Unlink(asks, _segmentOptions);
                _inbox = ShmQueue<InboxCell>.CreateNew(inbox, (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)_options.InboxCapacity), _segmentOptions);
                _asks = ShmReqRepServer.CreateNew(asks, _options.AskQueueCapacity, _options.AskResponseSlots, _options.MaxAskReplyBytes,
                    _options.EffectiveArenaBytes, _segmentOptions);
                return inbox;
            }, out NodeEntry? replaced);
            if (replaced is { } dead)
            {
                ShmQueue<InboxCell>.Unlink(dead.InboxName, _segmentOptions);
                ShmReqRepServer.Unlink(AskChannelName(dead.Name, dead.Incarnation), _segmentOptions);
            }
        }
        catch
        {
            if (_inbox is not null)
            {
                _inbox.Unlink();
                _inbox.Dispose();
            }
            if (_asks is not null)
            {
                _asks.Unlink();
                _asks.Dispose();
            }
            _directory.Dispose();
            throw;
        }
        _bound = AddressOf(_options.NodeName);
        _reader = new InboxReader(this, _inbox!, _options, _listener.Task);
        _membership = new MembershipWatcher(_directory, _self, OnMemberUp, OnMemberDown);
        return Task.FromResult((_bound, _listener));
    }

    public override bool IsResponsibleFor(Address remote) =>
        remote.Protocol == SchemeIdentifier && remote.System == _system && remote.Host is not null && remote.Port is null;

    public override Task<AssociationHandle> Associate(Address remote)
    {
        lock (_byNode)
        {
            if (IsResponsibleFor(remote) && _byNode.TryGetValue(remote.Host!, out ShmAssociationHandle? handle))
                return Task.FromResult<AssociationHandle>(handle);
        }
        return Task.FromException<AssociationHandle>(new InvalidAssociationException($"No node {remote.Host} of system {_system} is up."));
    }

    /// <summary>The open association to <paramref name="node"/>, if it is up (the layer above's fast path).</summary>
    public bool TryGetHandle(string node, out ShmAssociationHandle? handle)
    {
        lock (_byNode)
            return _byNode.TryGetValue(node, out handle);
    }

    /// <summary>
    /// The open association to <paramref name="node"/>, looking at the directory now when the watcher has not seen the
    /// node yet (one that joined since its last rescan), so an association to a node that is up never fails for timing.
    /// </summary>
    public bool TryGetOrAdmit(string node, out ShmAssociationHandle? handle)
    {
        if (TryGetHandle(node, out handle))
            return true;
        AdmitListed(entry => entry.Name == node);
        return TryGetHandle(node, out handle);
    }

    public override Task<bool> Shutdown()
    {
        Dispose();
        return Task.FromResult(true);
    }

    /// <summary>A message from the inbox, on the reader thread: routed to the association of its origin.</summary>
    internal void Deliver(long origin, byte[] buffer, int offset, int length)
    {
        ShmAssociationHandle? handle = _lastHandle;
        if (handle is not null && origin == _lastOrigin && _lastVersion == Volatile.Read(ref _handlesVersion))
        {
            handle.Deliver(buffer, offset, length);
            return;
        }
        bool departed;
        lock (_byNode)
        {
            departed = !_byIncarnation.TryGetValue(origin, out handle) && _departed.Contains(origin);
            (_lastOrigin, _lastHandle, _lastVersion) = (origin, handle, _handlesVersion);
        }
        // One from a node reported down was sent before it died: dropped, as a message sent to it would be. One from a
        // node whose join we have not seen yet: look at the directory now rather than drop it.
        if (departed)
            return;
        if (handle is null && (handle = AdmitUnseen(origin)) is null)
        {
            CountCorrupt();
            return;
        }
        handle.Deliver(buffer, offset, length);
    }

    private ShmAssociationHandle? AdmitUnseen(long origin)
    {
        AdmitListed(entry => entry.Incarnation == origin);
        lock (_byNode)
            return _byIncarnation.GetValueOrDefault(origin);
    }

    /// <summary>Admits the first listed node that <paramref name="match"/> accepts, if it is alive.</summary>
    private void AdmitListed(Func<NodeEntry, bool> match)
    {
        foreach (NodeEntry entry in _directory!.Snapshot())
        {
            // Through the watcher, so the node is watched (pidfd, leave) from now on, not only after its next rescan.
            if (match(entry))
            {
                // Admitted, but possibly by the watcher's thread, which may still be opening the link: open it here
                // rather than miss it (OnMemberUp is idempotent; whichever call registers first wins).
                if (_membership!.Admit(entry))
                    OnMemberUp(entry);
                return;
            }
        }
    }

    /// <summary>
    /// The newest incarnation of <paramref name="node"/> this node has seen up (it may have departed since: ask
    /// <see cref="HasDeparted"/>), or 0 when none was ever seen.
    /// </summary>
    public long LatestIncarnationOf(string node)
    {
        lock (_byNode)
            return _latest.GetValueOrDefault(node);
    }

    /// <summary>Whether <paramref name="origin"/> is an incarnation reported down (what it left in the inbox is not corrupt, only late).</summary>
    internal bool HasDeparted(long origin)
    {
        lock (_byNode)
            return _departed.Contains(origin);
    }

    /// <summary>The inbox ring itself is corrupt (its reader will look again): counted, and logged at most ten times.</summary>
    internal void ReportCorruptInbox(ShmCorruptedException error)
    {
        if (Interlocked.Increment(ref _corrupt) <= 10)
            _log.Error(error, $"Inbox {_self.InboxName} is corrupt; its reader retries: {error.Message}");
    }

    /// <summary>An actor's turn blocked the inbox reader and a new thread reads in its place (the first few times).</summary>
    internal void ReportStalledReader() =>
        _log.Warning($"An actor's turn blocked the reader of inbox {_self.InboxName} for over {WatchedReader.StallCheckInterval.TotalMilliseconds} ms; a new thread reads in its place. Actors should not block: "
                + "one that waits for a message this node has yet to read would otherwise hang the node.");

    internal void CountCorrupt()
    {
        if (Interlocked.Increment(ref _corrupt) <= 10)
            _log.Warning($"Skipped a malformed frame in inbox {_self.InboxName}.");
    }

    private Address AddressOf(string node) => new(SchemeIdentifier, _system, node);

    private void OnMemberUp(NodeEntry entry)
    {
        lock (_byNode)
        {
            if (_byIncarnation.ContainsKey(entry.Incarnation))
                return; // admitted already by a frame that came first
        }
        ShmQueue<InboxCell> inbox;
        try
        {
            inbox = ShmQueue<InboxCell>.OpenExisting(entry.InboxName, _segmentOptions);
        }
        catch (Exception error) when (error is IOException or InvalidDataException or ShmCorruptedException)
        {
            _log.Warning($"Node {entry.Name} is listed but its inbox {entry.InboxName} cannot be opened: {error.Message}");
            return;
        }
        var link = new OutboundLink(inbox, _self.Incarnation, _options.OutboundBufferMessages, count => Interlocked.Add(ref _dropped, count));
        var handle = new ShmAssociationHandle(_bound!, AddressOf(entry.Name), entry, link);
        ShmAssociationHandle? replaced;
        lock (_byNode)
        {
            // Lost the race to the other caller, or the node left or died since it was admitted (its down was
            // reported before this link existed, so registering it now would keep a dead node up).
            if (_byIncarnation.ContainsKey(entry.Incarnation) || _membership?.IsWatching(entry.Incarnation) == false)
            {
                link.Dispose();
                return;
            }
            _byNode.Remove(entry.Name, out replaced);
            _byNode[entry.Name] = handle;
            _byIncarnation[entry.Incarnation] = handle;
            _latest[entry.Name] = Math.Max(entry.Incarnation, _latest.GetValueOrDefault(entry.Name)); // incarnations only grow
        }
        if (replaced is not null)
            Close(replaced, DisassociateInfo.Unknown);
        _listener.Task.ContinueWith(static (task, state) => task.Result.Notify(new InboundAssociation((AssociationHandle)state!)),
            handle, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private void OnMemberDown(NodeEntry entry, bool died)
    {
        ShmAssociationHandle? handle;
        lock (_byNode)
        {
            _departed.Add(entry.Incarnation);
            if (!_byIncarnation.Remove(entry.Incarnation, out handle))
                return;
            HandlesChanged();
            if (_byNode.TryGetValue(entry.Name, out ShmAssociationHandle? current) && ReferenceEquals(current, handle))
                _byNode.Remove(entry.Name);
        }
        Close(handle, died ? DisassociateInfo.Unknown : DisassociateInfo.Shutdown);
        _reader?.Forget(entry.Incarnation);
    }

    private void Close(ShmAssociationHandle handle, DisassociateInfo reason)
    {
        lock (_byNode)
        {
            _byIncarnation.Remove(handle.Peer.Incarnation);
            HandlesChanged();
        }
        handle.Close(reason);
    }

    /// <summary>Under the lock: a handle left <see cref="_byIncarnation"/>, so the reader's cached lookup must be redone.</summary>
    private void HandlesChanged() => Volatile.Write(ref _handlesVersion, _handlesVersion + 1);

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _directory is null)
            return;
        _directory.Leave(_self);
        _membership?.Dispose();
        _listener.TrySetCanceled();
        _reader?.Dispose();
        ShmAssociationHandle[] handles;
        lock (_byNode)
        {
            handles = [.. _byIncarnation.Values];
            _byIncarnation.Clear();
            HandlesChanged();
            _byNode.Clear();
        }
        foreach (ShmAssociationHandle handle in handles)
            handle.Close(DisassociateInfo.Shutdown);
        _inbox?.Unlink();
        _inbox?.Dispose();
        _asks?.Unlink();
        _asks?.Dispose();
        _directory.Dispose();
    }
}
