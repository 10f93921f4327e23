using System.Buffers.Binary;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.ReqRep;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

/// <summary>
/// The server of a shared-memory request/response channel of byte messages: many clients (in any process) send
/// requests, any number of servers take them, and each reply goes straight into the asking client's response
/// slot. One segment, no broker, no socket per connection.
/// </summary>
/// <remarks>
/// <para>Requests carry their <see cref="RequestId"/> through one of two lanes. One of up to
/// <see cref="MaxInlineRequestBytes"/> bytes goes inline into a lock-free queue (a claim and a commit, as in
/// <see cref="ShmQueue{T}"/>); a longer one into a <see cref="ShmByteQueue"/> arena under its robust lock. Requests
/// are taken in the order sent within a lane; a short request may be taken before a longer one sent earlier. A short
/// request whose lane is full of requests nobody waits for any more (behind one still waited for) goes through the
/// arena instead, so it too may be taken before a short one sent earlier.</para>
/// <para>A server marks a request's slot as taken by it before the queue commit that removes the request (or, in
/// the inline lane, before it releases the request's cell), so a server killed at any point either leaves the
/// request queued or leaves its client able to see that it died.</para>
/// <para>Requests whose client gave up before a server took them (cancelled, abandoned at a timeout, or the client
/// died and its slots were reclaimed) are dropped at receive, never answered into the slot's next request; a client
/// that finds a lane full drops them from its front itself, so they never stop a send while no server runs (each
/// counted as stale once).</para>
/// </remarks>
/// <example>
/// <code>
/// using var server = ShmReqRepServer.CreateOrOpen("echo", requestCapacity: 1024, responseSlots: 64, maxResponseBytes: 4096);
/// while (true)
/// {
///     ShmRequest request = server.Receive(Timeout.InfiniteTimeSpan);
///     server.Reply(request.Id, request.Payload.Span);
/// }
/// </code>
/// </example>
public sealed partial class ShmReqRepServer : ShmReqRepServerBase
{
    private const int IdBytes = sizeof(ulong);
    private readonly ByteRequestQueue _requests;
    private readonly ShmByteQueue _queue;
    private readonly ShmQueue<InlineRequest> _lane;
    private bool _arenaFirst;

    private ShmReqRepServer(Segment segment, in ReqRepGeometry geometry, ByteRequestQueue requests)
        : base(segment, geometry, requests, requests.Arena.Participants)
    {
        _requests = requests;
        _queue = requests.Arena;
        _lane = requests.Lane;
        _lane.LostToDeadConsumer = cell => Slots.FailRequest(cell.Id);
    }

    /// <summary>Creates a new channel file; fails with <see cref="IOException"/> if it exists.</summary>
    /// <param name="name">A bare name (placed in <see cref="SegmentOptions.Directory"/>) or an absolute path.</param>
    /// <param name="requestCapacity">Requests each lane holds; rounded up to a power of two, at most <see cref="ShmByteQueue.MaxCapacity"/> (the inline lane: at most the response slots, rounded up to a power of two).</param>
    /// <param name="responseSlots">Requests in flight at once over all clients (one per outstanding request), 1..32768.</param>
    /// <param name="maxResponseBytes">The largest response, 0..16 MiB; every slot holds this many bytes.</param>
    /// <param name="arenaBytes">Bytes for queued request payloads (each also carries an 8-byte id); 0 means capacity × 256.</param>
    /// <param name="options">File location, permissions and owner checks.</param>
    public static ShmReqRepServer CreateNew(string name, long requestCapacity, int responseSlots = 64, int maxResponseBytes = 4096, long arenaBytes = 0, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateNew, requestCapacity, responseSlots, maxResponseBytes, arenaBytes, options);

    /// <summary>Opens the channel if it exists (keeping its stored geometry), otherwise creates it; race-free across processes.</summary>
    public static ShmReqRepServer CreateOrOpen(string name, long requestCapacity, int responseSlots = 64, int maxResponseBytes = 4096, long arenaBytes = 0, SegmentOptions? options = null) =>
        Attach(name, Segment.AttachMode.CreateOrOpen, requestCapacity, responseSlots, maxResponseBytes, arenaBytes, options);

    /// <summary>Opens an existing channel as one more server.</summary>
    public static ShmReqRepServer OpenExisting(string name, SegmentOptions? options = null) =>
        Create(Segment.Attach(name, Segment.AttachMode.OpenExisting, ShmReqRepLayoutRules.Instance, null, options));

    /// <summary>Creates an anonymous channel in a sealed memfd; children inherit <see cref="ShmReqRepEndpoint.MemfdDescriptor"/>.</summary>
    public static ShmReqRepServer CreateMemfd(string debugName, long requestCapacity, int responseSlots = 64, int maxResponseBytes = 4096, long arenaBytes = 0) =>
        Create(Segment.CreateMemfd(debugName, ShmReqRepLayoutRules.Instance, Geometry(requestCapacity, responseSlots, maxResponseBytes, arenaBytes)));

    /// <summary>Opens a channel from a descriptor the caller owns (an inherited memfd); dispose does not close it.</summary>
    public static ShmReqRepServer OpenDescriptor(int descriptor, SegmentOptions? options = null) =>
        Create(Segment.OpenDescriptor(descriptor, ShmReqRepLayoutRules.Instance, options));

    private static ShmReqRepServer Attach(string name, Segment.AttachMode mode, long capacity, int slots, int responseBytes, long arenaBytes, SegmentOptions? options) =>
        Create(Segment.Attach(name, mode, ShmReqRepLayoutRules.Instance, Geometry(capacity, slots, responseBytes, arenaBytes), options));

    internal static SegmentGeometry Geometry(long capacity, int slots, int responseBytes, long arenaBytes)
    {
        long rounded = ThrowHelper.RoundCapacity(capacity, ShmByteQueue.MaxCapacity, nameof(capacity));
        ShmReqRepLayout.ValidateSlots(slots, responseBytes);
        if (arenaBytes == 0)
            arenaBytes = Math.Clamp(rounded * 256, 4096, ShmByteQueue.MaxArenaBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(arenaBytes, 4096);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(arenaBytes, ShmByteQueue.MaxArenaBytes);
        return ShmReqRepLayoutRules.Instance.Geometry(rounded, (arenaBytes + 7) & ~7L, slots, responseBytes);
    }

    private static ShmReqRepServer Create(Segment segment) =>
        ReqRepGeometry.Attach(segment, ShmReqRepLayoutRules.Instance, null, static (s, g) => ByteRequestQueue.Open(s, g), static (s, g, q) => new ShmReqRepServer(s, g, q));

    private protected override long QueuedRequests => _requests.Count;

    private protected override long SumCounter(int counter) => _requests.SumCounter(counter);

    /// <summary>The longest request payload the queue accepts (its arena, less the 8-byte id each request carries).</summary>
    public int MaxRequestBytes => _queue.MaxMessageLength - IdBytes;

    /// <summary>
    /// Requests up to this long travel inline in the lock-free lane (no lock on their way); longer ones through the
    /// arena. Order holds within each lane.
    /// </summary>
    public static int MaxInlineRequestBytes => InlineRequest.MaxPayload;

    /// <summary>Takes the oldest request, copying its payload out; false if none is queued. Never waits.</summary>
    public bool TryReceive(out ShmRequest request)
    {
        var gate = new ReceiveGate(this, null);
        bool taken = Receive(ref gate, 1, tryLockOnly: false) > 0;
        request = gate.Single;
        return taken;
    }

    /// <summary>
    /// Takes the oldest request into <paramref name="destination"/> without allocating; false if none is queued or it
    /// does not fit (then <paramref name="length"/> is its length and it stays queued).
    /// </summary>
    public bool TryReceive(Span<byte> destination, out RequestId id, out int length)
    {
        Span<int> lengths = stackalloc int[1];
        Span<RequestId> ids = stackalloc RequestId[1];
        var gate = new ReceiveGate(this, null, destination, lengths, ids);
        bool taken = Receive(ref gate, 1, tryLockOnly: false) > 0;
        id = ids[0];
        length = taken ? lengths[0] : gate.Needed;
        return taken;
    }

    /// <summary>Takes up to <paramref name="maxCount"/> requests (those in the arena under one lock hold; a drain with int.MaxValue). Never waits.</summary>
    public IReadOnlyList<ShmRequest> ReceiveMany(int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var into = new List<ShmRequest>();
        var gate = new ReceiveGate(this, into);
        Receive(ref gate, maxCount, tryLockOnly: false);
        return into;
    }

    /// <summary>
    /// Takes requests (those in the arena under one lock hold) while they fit: payloads one after another in <paramref name="buffer"/>, their
    /// lengths and ids in <paramref name="lengths"/> and <paramref name="ids"/>. No allocation. Never waits.
    /// </summary>
    /// <returns>How many were taken.</returns>
    public int ReceiveMany(Span<byte> buffer, Span<int> lengths, Span<RequestId> ids)
    {
        int max = Math.Min(lengths.Length, ids.Length);
        var gate = new ReceiveGate(this, null, buffer, lengths, ids);
        return Math.Max(0, Receive(ref gate, max, tryLockOnly: false));
    }

    /// <summary>
    /// Writes <paramref name="response"/> into the request's slot and wakes its client (only it: per-slot wake-up).
    /// </summary>
    /// <returns>False (nothing delivered) when the request was cancelled, abandoned, cleared or already answered.</returns>
    /// <exception cref="ArgumentException">The response is longer than <see cref="ShmReqRepEndpoint.MaxResponseBytes"/>; the request stays pending.</exception>
    public bool Reply(RequestId id, ReadOnlySpan<byte> response) => ReplyCore(id, response, nameof(response));

    private protected override void ClearQueue() => _requests.Clear();

    /// <summary>
    /// Takes from both lanes, the one tried first alternating between calls so neither starves the other (a race
    /// between threads on the alternation only changes which lane goes first).
    /// </summary>
    private int Receive(ref ReceiveGate gate, int maxCount, bool tryLockOnly)
    {
        ThrowIfUnusable();
        bool arenaFirst = _arenaFirst;
        _arenaFirst = !arenaFirst;
        int taken = arenaFirst ? TakeFromArena(ref gate, maxCount, tryLockOnly) : TakeFromLane(ref gate, maxCount);
        if (taken < maxCount)
            taken += arenaFirst ? TakeFromLane(ref gate, maxCount - taken) : TakeFromArena(ref gate, maxCount - taken, tryLockOnly);
        CountStale(gate.Dropped);
        return taken;
    }

    private int TakeFromArena(ref ReceiveGate gate, int maxCount, bool tryLockOnly) =>
        Math.Max(0, _queue.DequeueGated(ref gate, maxCount, tryLockOnly));

    private int TakeFromLane(ref ReceiveGate gate, int maxCount)
    {
        int taken = 0;
        while (taken < maxCount && _lane.TryDequeue(ref gate, out _))
        {
            if (gate.Accepted)
                taken++;
        }
        return taken;
    }

    /// <summary>
    /// Decides about each request at a lane's front (in the arena under its lock): a request whose slot can be marked
    /// taken by this server is copied out and removed; one whose client gave up is removed and dropped; one that does
    /// not fit the caller's buffer stops the take. The mark happens before the removal is committed.
    /// </summary>
    private ref struct ReceiveGate : IDequeueGate, IDequeueGate<InlineRequest>
    {
        private readonly ShmReqRepServer _server;
        private readonly List<ShmRequest>? _into;
        private readonly Span<byte> _buffer;
        private readonly Span<int> _lengths;
        private readonly Span<RequestId> _ids;
        private readonly bool _toBuffer;
        private int _used;
        private int _count;

        public ReceiveGate(ShmReqRepServer server, List<ShmRequest>? into)
        {
            _server = server;
            _into = into;
        }

        public ReceiveGate(ShmReqRepServer server, List<ShmRequest>? into, Span<byte> buffer, Span<int> lengths, Span<RequestId> ids)
        {
            _server = server;
            _into = into;
            _buffer = buffer;
            _lengths = lengths;
            _ids = ids;
            _toBuffer = true;
        }

        public ShmRequest Single;
        public int Dropped;
        public int Needed;

        /// <summary>Whether the last inline request taken was accepted (false: dropped).</summary>
        public bool Accepted;

        public GateDecision Decide(ReadOnlySpan<byte> message)
        {
            if (message.Length < IdBytes)
            {
                Dropped++; // no correct client writes this: drop it rather than stop the queue
                return GateDecision.Drop;
            }
            ReadOnlySpan<byte> payload = message[IdBytes..];
            if (!Fits(payload.Length))
                return GateDecision.Stop; // before the mark: the request stays queued and untouched
            return Accept(BinaryPrimitives.ReadUInt64LittleEndian(message), payload) ? GateDecision.Take : GateDecision.Drop;
        }

        public readonly bool CopiesItem => false; // OnTaken copies just the payload out of the slot

        public bool Admits(in InlineRequest cell) => !cell.TryGetPayload(out ReadOnlySpan<byte> payload) || Fits(payload.Length);

        /// <returns>Whether it was accepted: Received counts taken requests only, as the arena's gated dequeue does.</returns>
        public bool OnTaken(in InlineRequest cell)
        {
            if (cell.TryGetPayload(out ReadOnlySpan<byte> payload))
                return Accepted = Accept(cell.Id, payload);
            Dropped++; // a length no correct client writes: drop it rather than stop the lane
            return Accepted = false;
        }

        private bool Fits(int length)
        {
            if (!_toBuffer || length <= _buffer.Length - _used)
                return true;
            Needed = length;
            return false;
        }

        /// <summary>Marks the request's slot taken by this server and copies the payload out; false if its client gave up.</summary>
        private bool Accept(ulong id, scoped ReadOnlySpan<byte> payload)
        {
            if (!_server.Slots.TryMarkTaken(id, _server.ServerIndex))
            {
                Dropped++;
                return false;
            }
            FaultPoint.Hit(FaultPoints.ReqRepServerTaken);
            var requestId = new RequestId(id);
            if (_toBuffer)
            {
                payload.CopyTo(_buffer[_used..]);
                _used += payload.Length;
                _lengths[_count] = payload.Length;
                _ids[_count] = requestId;
            }
            else
            {
                var request = new ShmRequest(requestId, payload.ToArray());
                if (_into is null)
                    Single = request;
                else
                    _into.Add(request);
            }
            _count++;
            return true;
        }
    }
}
