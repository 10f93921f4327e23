using Shm.Primitives;
using Shm.Primitives.Segments;
using Shm.Node.Membership;

namespace Shm.Node;

/// <summary>
/// One node of an actor system on this box. Starting it joins the system's node directory and creates the node's inbox
/// ring (many writers, one reader); a link to another node is its inbox ring (written) plus the messages of ours that
/// it wrote (read). Every inbox cell names its origin incarnation (see <see cref="InboxCell"/>). Membership comes from the directory
/// and a pidfd per other node: every node that comes up is offered as a <see cref="NodeLink"/>, and the link of one
/// that dies or leaves is closed (<see cref="NodeDeparture"/>) as soon as the kernel reports it.
/// </summary>
internal sealed class ShmNode : IDisposable
{
    private readonly string _system;
    private readonly NodeOptions _options;
    private readonly NodeLog _log;
    private readonly SegmentOptions _segmentOptions;
    private readonly Dictionary<long, NodeLink> _byIncarnation = [];
    private readonly Dictionary<string, NodeLink> _byNode = [];
    private readonly HashSet<long> _departed = []; // incarnations reported down: what they left in the inbox is dropped
    private readonly Dictionary<string, long> _latest = []; // the newest incarnation seen up of each node name, up or departed since
    private int _handlesVersion; // bumped under the lock whenever a handle leaves _byIncarnation: the reader's cache is then stale

    // The reader's last lookup (its thread only): while traffic flows most cells come from the origin before them, and
    // the lookup then costs no lock. Valid while _handlesVersion is unchanged.
    private long _lastOrigin;
    private NodeLink? _lastHandle;
    private int _lastVersion = -1;
    private NodeDirectory? _directory;
    private NodeEntry _self;
    private ShmQueue<InboxCell>? _inbox;
    private ShmReqRepServer? _asks;
    private InboxReader? _reader;
    private MembershipWatcher? _membership;
    private Action<NodeLink>? _linkUp;
    private long _corrupt;
    private long _dropped;
    private long _deaths;
    private int _disposed;

    public ShmNode(string system, NodeOptions options, NodeLog log)
    {
        _system = system;
        _options = options;
        _log = log;
        _segmentOptions = SegmentOptions.Default with { Directory = options.SegmentDirectory };
    }

    /// <summary>This node's incarnation (valid after Start).</summary>
    public long Incarnation => _self.Incarnation;

    /// <summary>This node's ask channel (valid after Start): asks to its actors arrive here and are answered in its slots.</summary>
    public ShmReqRepServer AskChannel => _asks ?? throw new InvalidOperationException("The node has not started.");

    /// <summary>Inbox cells waiting to be read (a message longer than one cell takes several): for monitoring.</summary>
    public long InboxCount => _inbox is { } inbox && Volatile.Read(ref _disposed) == 0 ? inbox.Count : 0;

    /// <summary>
    /// Changes whenever a link closes (its node died or left): a link looked up before is still good while this
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

    /// <summary>Messages and bytes written to other nodes' inboxes and delivered from this node's, counted per thread (for metrics).</summary>
    public MessageCounters Messages { get; } = new();

    /// <summary>Other nodes seen dying (their process gone, or replaced by a new incarnation) while this node ran.</summary>
    public long NodeDeaths => Interlocked.Read(ref _deaths);

    /// <summary>Payloads accepted by Write but never delivered (their node went down while they were buffered).</summary>
    public long DroppedPayloads => Interlocked.Read(ref _dropped);

    /// <summary>
    /// Joins the directory under this node's name, creates its inbox and ask channel, and starts reading;
    /// <paramref name="linkUp"/> hears every other node's link as it comes up (on the membership watcher's thread, or a
    /// reader's for a node that wrote before the watcher saw it).
    /// </summary>
    /// <exception cref="InvalidOperationException">A live process already holds the node name.</exception>
    public void Start(Action<NodeLink> linkUp)
    {
        _linkUp = linkUp;
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
        _reader = new InboxReader(this, _inbox!, _options);
        _membership = new MembershipWatcher(_directory, _self, OnMemberUp, OnMemberDown);
    }

    /// <summary>The open link to <paramref name="node"/>, if it is up (the layer above's fast path).</summary>
    public bool TryGetHandle(string node, out NodeLink? handle)
    {
        lock (_byNode)
            return _byNode.TryGetValue(node, out handle);
    }

    /// <summary>
    /// The open link to <paramref name="node"/>, looking at the directory now when the watcher has not seen the
    /// node yet (one that joined since its last rescan), so a link to a node that is up is never missed for timing.
    /// </summary>
    public bool TryGetOrAdmit(string node, out NodeLink? handle)
    {
        if (TryGetHandle(node, out handle))
            return true;
        AdmitListed(entry => entry.Name == node);
        return TryGetHandle(node, out handle);
    }

    /// <summary>A message from the inbox, on the reader thread: routed to the link of its origin.</summary>
    internal void Deliver(long origin, byte[] buffer, int offset, int length)
    {
        NodeLink? handle = _lastHandle;
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

    private NodeLink? AdmitUnseen(long origin)
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
        var handle = new NodeLink(entry, link, Messages);
        NodeLink? replaced;
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
            Close(replaced, NodeDeparture.Died);
        _linkUp!(handle);
    }

    private void OnMemberDown(NodeEntry entry, bool died)
    {
        NodeLink? handle;
        lock (_byNode)
        {
            _departed.Add(entry.Incarnation);
            if (!_byIncarnation.Remove(entry.Incarnation, out handle))
                return;
            HandlesChanged();
            if (_byNode.TryGetValue(entry.Name, out NodeLink? current) && ReferenceEquals(current, handle))
                _byNode.Remove(entry.Name);
        }
        if (died)
            Interlocked.Increment(ref _deaths);
        Close(handle, died ? NodeDeparture.Died : NodeDeparture.Left);
        _reader?.Forget(entry.Incarnation);
    }

    private void Close(NodeLink handle, NodeDeparture reason)
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
        _reader?.Dispose();
        NodeLink[] handles;
        lock (_byNode)
        {
            handles = [.. _byIncarnation.Values];
            _byIncarnation.Clear();
            HandlesChanged();
            _byNode.Clear();
        }
        foreach (NodeLink handle in handles)
            handle.Close(NodeDeparture.Left);
        _inbox?.Unlink();
        _inbox?.Dispose();
        _asks?.Unlink();
        _asks?.Dispose();
        _directory.Dispose();
    }
}
