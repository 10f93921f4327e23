using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Shm.Primitives.Participants;
using Shm.Primitives.Queue;
using Shm.Primitives.Segments;
using Shm.Primitives.Threading;

namespace Shm.Primitives.ReqRep;

/// <summary>
/// The byte channel's request queue, in two lanes: a request of up to <see cref="InlineRequest.MaxPayload"/> bytes
/// travels inline in a lock-free <see cref="ShmQueue{T}"/> (one claim, one commit), a longer one in the
/// <see cref="ShmByteQueue"/> arena under its robust lock. Order holds within each lane, not across them.
/// </summary>
/// <remarks>
/// <para>The lane sleeps and wakes on the byte queue's futex words, so a server waiting on the byte queue (blocking or
/// async) is woken by either lane, and a client waiting for room by a take from either. Such a server waits with
/// this as its target, so between sleeps it also examines the lane for a claim a dead client never committed.</para>
/// <para>A request stays queued after its client gave it up (cancelled, abandoned at a timeout, cleared, or reclaimed
/// from a dead client): servers drop such requests at receive. So that requests nobody waits for never stop a send
/// while no server takes requests, a sender that finds its lane full drops them from the lane's front itself
/// (<see cref="TryEnqueue"/>); and a short request whose lane is still full, though fewer requests wait for a server
/// than the lane holds (abandoned ones behind a waiting one), goes through the arena instead.</para>
/// </remarks>
internal sealed class ByteRequestQueue : IDisposable, IWaitTarget
{
    /// <summary>An arena message starts with the request's id.</summary>
    public const int RequestIdBytes = sizeof(ulong);

    private ByteRequestQueue(ShmByteQueue arena, ShmQueue<InlineRequest> lane)
    {
        Arena = arena;
        Lane = lane;
    }

    /// <summary>Requests longer than the lane carries.</summary>
    public ShmByteQueue Arena { get; }

    /// <summary>Requests of up to <see cref="InlineRequest.MaxPayload"/> bytes.</summary>
    public ShmQueue<InlineRequest> Lane { get; }

    /// <summary>Opens both lanes over an attached segment; the byte queue owns the segment from here on.</summary>
    public static ByteRequestQueue Open(Segment segment, in ReqRepGeometry geometry)
    {
        ShmByteQueue arena = ShmByteQueue.OverPartOf(segment, geometry.Queue);
        try
        {
            return new ByteRequestQueue(arena, ShmQueue<InlineRequest>.HostedIn(segment, geometry.LaneOffset, geometry.Lane, arena.Sleepers));
        }
        catch
        {
            arena.Dispose();
            throw;
        }
    }

    /// <summary>Requests queued in both lanes (a racy snapshot).</summary>
    public long Count => Arena.GetStats().Count + Lane.Count;

    /// <summary>A lock-free look: false only if both lanes seemed empty.</summary>
    public bool MayHaveRequests => Lane.MayHaveItems || Arena.MayHaveMessages;

    /// <summary>A channel counter summed over both lanes' participant records (requests, received and recoveries live in both).</summary>
    public long SumCounter(int counter) => Arena.Participants.SumCounter(counter) + Lane.Participants.SumCounter(counter);

    /// <summary>
    /// Queues a request (id and payload) after the caller's fast path failed or skipped the lane: a short request
    /// into the lane; if it is full, its abandoned front requests are dropped and the lane tried again; if it is still
    /// full and holds requests nobody waits for (fewer wait for a server than it holds), the request goes through the
    /// arena. A long request goes into the arena, dropping the arena's abandoned front requests when it is full. Never
    /// waits for room (the arena's lock is waited for). The caller holds the request's slot (ACQUIRED).
    /// </summary>
    /// <param name="id">The request's id (its slot and generation), carried with the payload.</param>
    /// <param name="payload">The request's bytes.</param>
    /// <param name="slots">The channel's response slots, which tell a request someone waits for from an abandoned one.</param>
    /// <param name="dropped">Abandoned requests this call dropped (counted as stale by the caller).</param>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public RequestQueueOutcome TryEnqueue(ulong id, ReadOnlySpan<byte> payload, ResponseSlotTable slots, out int dropped)
    {
        dropped = 0;
        if (payload.Length > InlineRequest.MaxPayload)
            return TryEnqueueInArena(id, payload, slots, ref dropped) ? RequestQueueOutcome.Queued : RequestQueueOutcome.ArenaFull;
        var writer = new InlineRequest.Writer(id, payload);
        if (Lane.TryEnqueue(writer))
            return RequestQueueOutcome.Queued;
        dropped += DropAbandonedFromLane(slots);
        if (Lane.TryEnqueue(writer))
            return RequestQueueOutcome.Queued; // room from the drop, or from a server meanwhile
        // Still full. Requests waiting for a server (not our own, which is ACQUIRED but in no lane yet) fill at most
        // that many places, so with fewer than the lane holds, the rest are requests nobody waits for, queued behind
        // a waiting one (or a claim in flight). With the lane at least as large as the slot count that is always so.
        bool holdsAbandoned = Lane.Capacity >= slots.Count || slots.CountWaiting() - 1 < Lane.Capacity;
        if (!holdsAbandoned)
            return RequestQueueOutcome.LaneFull;
        return TryEnqueueInArena(id, payload, slots, ref dropped) ? RequestQueueOutcome.Queued : RequestQueueOutcome.LaneAndArenaFull;
    }

    /// <summary>One arena message, the id (8 bytes) then the payload; when the arena is full, its abandoned front requests are dropped first.</summary>
    private bool TryEnqueueInArena(ulong id, ReadOnlySpan<byte> payload, ResponseSlotTable slots, ref int dropped)
    {
        Span<byte> header = stackalloc byte[RequestIdBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(header, id);
        if (Arena.TryEnqueue(header, payload))
            return true;
        int purged = DropAbandonedFromArena(slots);
        dropped += purged;
        return purged > 0 && Arena.TryEnqueue(header, payload);
    }

    /// <summary>
    /// Drops abandoned requests from the lane's front (lock-free, as a consumer: the gate admits only abandoned cells,
    /// so a request someone waits for is never taken) and the tombstones of dead producers there. Stops at the first
    /// request still waited for. A crash inside leaves a consumer claim that recovery releases (the request it held
    /// was abandoned: <see cref="ResponseSlotTable.FailRequest"/> finds nothing to fail).
    /// </summary>
    private int DropAbandonedFromLane(ResponseSlotTable slots)
    {
        var gate = new AbandonedRequestGate(slots);
        for (long i = 0; i < Lane.Capacity && Lane.TryDequeue(ref gate, out _); i++)
        {
        }
        return gate.Dropped;
    }

    /// <summary>Drops abandoned requests from the arena's front under its lock, in one commit; stops at the first still waited for.</summary>
    private int DropAbandonedFromArena(ResponseSlotTable slots)
    {
        var gate = new AbandonedRequestGate(slots);
        Arena.DequeueGated(ref gate, int.MaxValue, tryLockOnly: false);
        return gate.Dropped;
    }

    /// <summary>Blocks a sender's attempt on the byte queue's producer sleepers (woken by takes from either lane), examining both lanes between sleeps.</summary>
    public bool WaitAsProducer<TAttempt>(ref TAttempt attempt, TimeSpan timeout, bool spin, CancellationToken cancellationToken)
        where TAttempt : struct, IWaitAttempt, allows ref struct =>
        Arena.Sleepers.Wait(this, ref attempt, consumerSide: false, timeout, cancellationToken, spin);

    /// <summary>Blocks a server's attempt on the byte queue's consumer sleepers, examining both lanes between sleeps.</summary>
    public bool WaitAsConsumer<TAttempt>(ref TAttempt attempt, TimeSpan timeout, bool spin, CancellationToken cancellationToken)
        where TAttempt : struct, IWaitAttempt, allows ref struct =>
        Arena.Sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken, spin);

    /// <summary>
    /// The arena's lock reports its dead holders itself; the lane is examined with its own participant (its records
    /// are its own table's), so a claim a dead client left in it is resolved within the recovery grace period.
    /// </summary>
    bool IWaitTarget.ExamineWhileWaiting(ThreadParticipant me, bool consumerSide) =>
        ((IWaitTarget)Arena).ExamineWhileWaiting(me, consumerSide) | ((IWaitTarget)Lane).ExamineWhileWaiting(Lane.Participants.Current, consumerSide);

    public void Clear()
    {
        Lane.Clear();
        Arena.Clear();
    }

    /// <summary>Frees both lanes' participant records, then unmaps (the lane first: it lives in the byte queue's mapping).</summary>
    public void Dispose()
    {
        Lane.Dispose();
        Arena.Dispose();
    }

    /// <summary>
    /// Admits (lane) or drops (arena) only requests whose slot no longer waits for them (<see cref="ResponseSlotTable.IsAbandoned"/>,
    /// a final answer, so one admitted before the claim is still abandoned after it), and messages no correct client
    /// writes; stops at the first request someone waits for, leaving it and everything behind it queued.
    /// </summary>
    private struct AbandonedRequestGate(ResponseSlotTable slots) : IDequeueGate, IDequeueGate<InlineRequest>
    {
        public int Dropped;

        public GateDecision Decide(ReadOnlySpan<byte> message)
        {
            if (message.Length >= RequestIdBytes && !slots.IsAbandoned(BinaryPrimitives.ReadUInt64LittleEndian(message)))
                return GateDecision.Stop;
            Dropped++;
            return GateDecision.Drop;
        }

        public readonly bool CopiesItem => false;

        public readonly bool Admits(in InlineRequest cell) => !cell.TryGetPayload(out _) || slots.IsAbandoned(cell.Id);

        /// <returns>False: a dropped request is not counted as received.</returns>
        public bool OnTaken(in InlineRequest cell)
        {
            // Admitted as abandoned, and that is final; only a cell rewritten under us (a corrupt segment) could be
            // waited for now. Fail it rather than lose it silently.
            if (cell.TryGetPayload(out _) && !slots.IsAbandoned(cell.Id))
                slots.FailRequest(cell.Id);
            Dropped++;
            return false;
        }
    }
}
