using System.Diagnostics;
using System.Runtime.CompilerServices;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Threading;
using L = Shm.Primitives.ReqRep.ShmReqRepLayout;

namespace Shm.Primitives.ReqRep;

// The response slots of a ReqRep segment (after the member records, see ShmReqRepLayout). One slot:
//
//  offset  size              field           written by                meaning
//       0     8              Control         clients, servers (CAS)    state, flags, owners and generation (below)
//       8     4              ResponseLength  the server in WRITING     bytes of Data holding the response
//      12     4              (reserved)
//      16    ResponseBytes   Data            the server in WRITING     the response; slots are 64-byte aligned, so a
//                                                                      response of up to 48 bytes shares Control's line
//                                                                      (one cache miss for the client, not two)
//
//  Control:  bits 0-3 state | 4 SyncWaiter | 5 AsyncWaiter | 6 Cancelled | 8-15 server | 16-31 client | 32-63 generation
//  The futex word of a client sleeping on its slot is the low half (state, flags, server, client); every
//  transition a sleeper waits for changes it.
//
//  FREE ──client acquires (generation + 1, client)──▶ ACQUIRED ──a server receives (server)──▶ TAKEN
//  TAKEN ──a server replies (server)──▶ WRITING ──response written──▶ READY ──the client reads it──▶ FREE
//  ACQUIRED, TAKEN, READY(Abandon) ──client cancels──▶ FREE        WRITING ──client cancels──▶ WRITING|Cancelled ──server──▶ FREE
//  TAKEN, WRITING of a dead or disposed server; ACQUIRED whose request died with a server ──▶ FAILED ──client──▶ FREE
//  any state of a dead client ──reaper──▶ FREE (WRITING of a live server: Cancelled; that server frees it)
//
// Every transition is one CAS on Control, so each request id (slot, generation) is acted on by exactly one
// winner: a reply racing a cancel either completes (the cancel finds READY) or is rejected. Only FREE -> ACQUIRED
// changes the generation, so a reply, read or cancel carrying an older generation never touches a newer request.
// The response bytes are written only in WRITING (which nobody else leaves) and read only in READY (which only the
// reader's own CAS leaves), so a response is never torn.
internal sealed unsafe class ResponseSlotTable
{
    private const ulong StateMask = 0xF;
    private const ulong SyncWaiterBit = 1UL << 4;
    private const ulong AsyncWaiterBit = 1UL << 5;
    private const ulong CancelledBit = 1UL << 6;
    private const ulong WaiterBits = SyncWaiterBit | AsyncWaiterBit;
    private const int ServerShift = 8;
    private const ulong ServerMask = 0xFFUL << ServerShift;
    private const int ClientShift = 16;
    private const ulong ClientMask = 0xFFFFUL << ClientShift;
    private const ulong GenerationMask = 0xFFFF_FFFF_0000_0000;
    private const int ResponseLengthOffset = 8;

    private static readonly TimeSpan s_checkInterval = TimeSpan.FromMilliseconds(20);
    private static readonly long s_checkTicks = (long)(s_checkInterval.TotalSeconds * Stopwatch.Frequency);

    private readonly byte* _slots;
    private readonly int _count;
    private readonly long _stride;
    private readonly int _responseBytes;
    private readonly string _name;
    private readonly uint* _freedSequence;
    private readonly uint* _freedWaiters;

    public ResponseSlotTable(byte* region, int count, int responseBytes, string name)
    {
        _slots = region + L.SlotsOffset;
        _count = count;
        _stride = L.SlotStride(responseBytes);
        _responseBytes = responseBytes;
        _name = name;
        _freedSequence = (uint*)(region + L.SlotFreedSequenceOffset);
        _freedWaiters = (uint*)(region + L.SlotWaitersOffset);
        Members = new ReqRepMembers(region, name);
    }

    public ReqRepMembers Members { get; }

    public int Count => _count;

    public int ResponseBytes => _responseBytes;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ref ulong ControlOf(int slot) => ref *(ulong*)(_slots + slot * _stride);

    private byte* DataOf(int slot) => _slots + slot * _stride + L.SlotDataOffset;

    private static SlotState StateOf(ulong control) => (SlotState)(control & StateMask);

    private static int ClientOf(ulong control) => (int)((control & ClientMask) >> ClientShift);

    private static int ServerOf(ulong control) => (int)((control & ServerMask) >> ServerShift);

    private static bool SameRequest(ulong control, RequestId id) => (uint)(control >> 32) == id.Generation && StateOf(control) != SlotState.Free;

    /// <summary>Rejects an id that cannot name a slot of this channel (user input: an argument error, not "stale").</summary>
    public void Validate(RequestId id, [CallerArgumentExpression(nameof(id))] string? paramName = null)
    {
        if (id.Generation == 0 || id.Slot >= _count)
            throw new ArgumentException($"Request id {id} is not an id of ShmReqRep '{_name}' (it has {_count} response slots; ids come from Send).", paramName);
    }

    /// <summary>Whether a raw id read from the queue names a slot (a corrupt id is dropped, never indexed).</summary>
    public bool IsPlausible(ulong id) => (uint)(id >> 32) != 0 && (uint)id < (uint)_count;

    // ---- clients ---------------------------------------------------------------------------------------------

    /// <summary>Takes a FREE slot for <paramref name="client"/>, scanning from <paramref name="hint"/>.</summary>
    public bool TryAcquire(int client, ref int hint, out RequestId id)
    {
        int start = (uint)hint < (uint)_count ? hint : 0;
        for (int i = 0; i < _count; i++)
        {
            int slot = start + i;
            if (slot >= _count)
                slot -= _count;
            ref ulong control = ref ControlOf(slot);
            ulong c = Volatile.Read(ref control);
            if (StateOf(c) != SlotState.Free)
                continue;
            uint generation = (uint)(c >> 32) + 1;
            if (generation == 0)
                generation = 1; // 0 marks "no request": a wrapped generation skips it
            ulong next = ((ulong)generation << 32) | ((ulong)client << ClientShift) | (ulong)SlotState.Acquired;
            if (Interlocked.CompareExchange(ref control, next, c) == c)
            {
                hint = slot + 1;
                id = new RequestId(slot, generation);
                return true;
            }
        }
        id = default;
        return false;
    }

    /// <summary>Where the request stands. <paramref name="control"/> is the word it was judged by.</summary>
    public ReplyState Inspect(RequestId id, out ulong control)
    {
        control = Volatile.Read(ref ControlOf(id.Slot));
        if (!SameRequest(control, id))
            return ReplyState.Stale;
        return StateOf(control) switch
        {
            SlotState.Ready => ReplyState.Ready,
            SlotState.Failed => ReplyState.Failed,
            _ => ReplyState.Pending,
        };
    }

    /// <summary>
    /// If the reply is there, hands its bytes to <paramref name="read"/> and frees the slot. Returns the state seen;
    /// Ready only if the slot was still this request's when freed (a Clear meanwhile makes it Stale, result dropped).
    /// </summary>
    public ReplyState TryTake<TResult>(RequestId id, ResponseReader<TResult> read, out TResult result)
    {
        result = default!;
        ReplyState state = Inspect(id, out ulong c);
        if (state != ReplyState.Ready)
            return state;
        int slot = id.Slot;
        uint length = Volatile.Read(ref *(uint*)(_slots + slot * _stride + ResponseLengthOffset));
        if (length > (uint)_responseBytes)
            throw new ShmCorruptedException(ThrowHelper.Format(SR.Segment_FieldInvalid, _name, $"ResponseSlot[{slot}].ResponseLength", length, $"0..{_responseBytes}"));
        result = read(new ReadOnlySpan<byte>(DataOf(slot), (int)length));
        FaultPoint.Hit(FaultPoints.ReqRepClientReading);
        if (Interlocked.CompareExchange(ref ControlOf(slot), c & GenerationMask, c) != c)
        {
            result = default!;
            return ReplyState.Stale;
        }
        SignalFreed();
        return ReplyState.Ready;
    }

    /// <summary>
    /// Gives the request up: frees its slot (or, while a server writes the reply, leaves it to that server).
    /// A reply that already arrived is kept for a later read unless <paramref name="evenIfReady"/>.
    /// </summary>
    public CancelOutcome Release(RequestId id, bool evenIfReady)
    {
        ref ulong control = ref ControlOf(id.Slot);
        while (true)
        {
            ulong c = Volatile.Read(ref control);
            if (!SameRequest(c, id))
                return CancelOutcome.Stale;
            SlotState state = StateOf(c);
            if (state == SlotState.Ready && !evenIfReady)
                return CancelOutcome.ReplyArrived;
            switch (TryAbandon(id.Slot, c))
            {
                case Abandon.Raced:
                    continue;
                case Abandon.AlreadyLeft:
                    return CancelOutcome.Stale; // already given up; the writing server frees it
                default:
                    return CancelOutcome.Released;
            }
        }
    }

    /// <summary>
    /// Gives up the slot whose control word was <paramref name="c"/>. A live writer is left to free it (Cancelled) when it
    /// finishes; any other state, a dead writer's included (it never will), is freed now. Waiters are woken to see it.
    /// </summary>
    private Abandon TryAbandon(int slot, ulong c)
    {
        bool writerLives = StateOf(c) == SlotState.Writing && Members.IsServerAlive(ServerOf(c));
        if (writerLives && (c & CancelledBit) != 0)
            return Abandon.AlreadyLeft;
        ulong next = writerLives ? c | CancelledBit : c & GenerationMask;
        if (Interlocked.CompareExchange(ref ControlOf(slot), next, c) != c)
            return Abandon.Raced;
        WakeWaiters(slot, c);
        if (writerLives)
            return Abandon.LeftToWriter;
        SignalFreed();
        return Abandon.Freed;
    }

    private enum Abandon
    {
        Freed,
        LeftToWriter,
        AlreadyLeft,
        Raced,
    }

    /// <summary>Marks the request's slot as having a sleeper (sync: on the slot; async: on the client's doorbell).</summary>
    /// <returns>False when the request is no longer pending (nothing to sleep for). <paramref name="flagged"/> is the word now.</returns>
    public bool TryFlagWaiter(RequestId id, bool sync, out ulong flagged)
    {
        ulong bit = sync ? SyncWaiterBit : AsyncWaiterBit;
        ref ulong control = ref ControlOf(id.Slot);
        while (true)
        {
            ulong c = Volatile.Read(ref control);
            flagged = c;
            if (!SameRequest(c, id) || StateOf(c) is SlotState.Ready or SlotState.Failed)
                return false;
            if ((c & bit) != 0)
                return true;
            flagged = c | bit;
            if (Interlocked.CompareExchange(ref control, flagged, c) == c)
                return true;
        }
    }

    /// <summary>
    /// Why a pending request can no longer be answered, or null: the server that took it is dead or gone, or it
    /// is still queued and every server is gone (the last one died).
    /// </summary>
    public string? FindServerLoss(RequestId id)
    {
        ulong c = Volatile.Read(ref ControlOf(id.Slot));
        if (!SameRequest(c, id))
            return null;
        SlotState state = StateOf(c);
        if (state is SlotState.Taken or SlotState.Writing)
        {
            return Members.IsServerAlive(ServerOf(c))
                ? null
                : $"The server that took request {id} of ShmReqRep '{_name}' died before replying.";
        }
        if (state == SlotState.Acquired && Members.ServersGone())
            return $"No live server is registered on ShmReqRep '{_name}' (the last one died); request {id} was not taken.";
        return null;
    }

    /// <summary>
    /// Sleeps until the request is no longer pending (Ready, Failed, Stale), the deadline passes (TimedOut) or a server loss is found (checked every
    /// 20 ms once the wait has lasted that long, so a healthy wait pays no liveness checks).
    /// </summary>
    public ReplyState WaitForReply(RequestId id, long deadline, bool spin, Action? examine, CancellationToken cancellationToken, out string? loss)
    {
        loss = null;
        ReplyState state;
        var answered = new AnsweredProbe(this, id);
        if (spin && HotSpin.Until(ref answered))
            return answered.State;
        using CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((WakeTarget)state!).Wake(), new WakeTarget((uint*)Unsafe.AsPointer(ref ControlOf(id.Slot))))
            : default;
        long nextCheck = Stopwatch.GetTimestamp() + s_checkTicks;
        while (true)
        {
            if ((state = Inspect(id, out _)) != ReplyState.Pending)
                return state;
            cancellationToken.ThrowIfCancellationRequested();
            long now = Stopwatch.GetTimestamp();
            if (now >= nextCheck)
            {
                examine?.Invoke();
                if ((loss = FindServerLoss(id)) is not null)
                    return ReplyState.ServerLost;
                nextCheck = now + s_checkTicks;
            }
            if (now >= deadline)
                return ReplyState.TimedOut;
            if (!TryFlagWaiter(id, sync: true, out ulong flagged))
                continue;
            long sliceTicks = Math.Min(nextCheck - now, deadline - now);
            Futex.Wait((uint*)Unsafe.AsPointer(ref ControlOf(id.Slot)), (uint)flagged, Stopwatch.GetElapsedTime(0, Math.Max(sliceTicks, 1)));
        }
    }

    /// <summary>Waits for a free slot until <paramref name="deadline"/>; <paramref name="reap"/> frees dead clients' slots between sleeps.</summary>
    public bool WaitForSlot(int client, ref int hint, long deadline, Action reap, CancellationToken cancellationToken, out RequestId id)
    {
        using CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(static state => ((WakeTarget)state!).Wake(), new WakeTarget(_freedSequence))
            : default;
        while (true)
        {
            Interlocked.Increment(ref *_freedWaiters);
            uint seen = Volatile.Read(ref *_freedSequence);
            try
            {
                if (TryAcquire(client, ref hint, out id))
                    return true;
                reap();
                if (TryAcquire(client, ref hint, out id))
                    return true;
                cancellationToken.ThrowIfCancellationRequested();
                long now = Stopwatch.GetTimestamp();
                if (now >= deadline)
                    return false;
                Futex.Wait(_freedSequence, seen, Stopwatch.GetElapsedTime(0, Math.Min(s_checkTicks, deadline - now)));
            }
            finally
            {
                Interlocked.Decrement(ref *_freedWaiters);
            }
        }
    }

    /// <summary>Slots currently held by <paramref name="client"/> (any state but FREE).</summary>
    public int CountHeldBy(int client)
    {
        int held = 0;
        for (int slot = 0; slot < _count; slot++)
        {
            ulong c = Volatile.Read(ref ControlOf(slot));
            if (StateOf(c) != SlotState.Free && ClientOf(c) == client)
                held++;
        }
        return held;
    }

    /// <summary>Slots in each state (index = SlotState), a racy snapshot for statistics.</summary>
    public int[] CountByState()
    {
        int[] counts = new int[6];
        for (int slot = 0; slot < _count; slot++)
        {
            uint state = (uint)StateOf(Volatile.Read(ref ControlOf(slot)));
            if (state < counts.Length)
                counts[state]++;
        }
        return counts;
    }

    /// <summary>Frees every slot of <paramref name="client"/>; true when none is left (none still being written by a live server).</summary>
    public bool ReleaseClient(int client)
    {
        bool remaining = false;
        for (int slot = 0; slot < _count; slot++)
        {
            ref ulong control = ref ControlOf(slot);
            while (true)
            {
                ulong c = Volatile.Read(ref control);
                if (StateOf(c) == SlotState.Free || ClientOf(c) != client)
                    break;
                Abandon outcome = TryAbandon(slot, c);
                if (outcome == Abandon.Raced)
                    continue;
                remaining |= outcome != Abandon.Freed;
                break;
            }
        }
        return !remaining;
    }

    // ---- servers ---------------------------------------------------------------------------------------------

    /// <summary>Marks the request's slot TAKEN by <paramref name="server"/>; false if it was cancelled or is not this request's.</summary>
    public bool TryMarkTaken(ulong id, int server)
    {
        if (!IsPlausible(id))
            return false;
        var request = new RequestId(id);
        ref ulong control = ref ControlOf(request.Slot);
        while (true)
        {
            ulong c = Volatile.Read(ref control);
            if (!SameRequest(c, request) || StateOf(c) != SlotState.Acquired)
                return false;
            ulong next = (c & ~(StateMask | ServerMask)) | ((ulong)server << ServerShift) | (ulong)SlotState.Taken;
            if (Interlocked.CompareExchange(ref control, next, c) == c)
                return true;
        }
    }

    /// <summary>
    /// Writes the response and wakes the client. False (nothing delivered) when the request was cancelled,
    /// cleared or already answered. The caller has checked the length.
    /// </summary>
    public bool Reply(RequestId id, int server, ReadOnlySpan<byte> response)
    {
        int slot = id.Slot;
        ref ulong control = ref ControlOf(slot);
        while (true)
        {
            ulong c = Volatile.Read(ref control);
            if (!SameRequest(c, id) || StateOf(c) != SlotState.Taken || (c & CancelledBit) != 0)
                return false;
            ulong writing = (c & ~(StateMask | ServerMask)) | ((ulong)server << ServerShift) | (ulong)SlotState.Writing;
            if (Interlocked.CompareExchange(ref control, writing, c) == c)
                break;
        }
        FaultPoint.Hit(FaultPoints.ReqRepServerWriting);
        *(uint*)(_slots + slot * _stride + ResponseLengthOffset) = (uint)response.Length;
        response.CopyTo(new Span<byte>(DataOf(slot), response.Length));
        while (true)
        {
            ulong c = Volatile.Read(ref control);
            if (StateOf(c) != SlotState.Writing)
                return false; // failed by our own disposal meanwhile
            if ((c & CancelledBit) != 0)
            {
                // The client gave up while we wrote: the slot is ours to free.
                if (Interlocked.CompareExchange(ref control, c & GenerationMask, c) != c)
                    continue;
                SignalFreed();
                return false;
            }
            // The CAS publishes the response (release): a reader that sees READY sees every byte written above.
            ulong ready = (c & ~(StateMask | WaiterBits)) | (ulong)SlotState.Ready;
            if (Interlocked.CompareExchange(ref control, ready, c) == c)
            {
                WakeWaiters(slot, c);
                return true;
            }
        }
    }

    /// <summary>Fails every request <paramref name="server"/> has taken (it died or is being disposed).</summary>
    public int FailTakenBy(int server)
    {
        int failed = 0;
        for (int slot = 0; slot < _count; slot++)
        {
            ref ulong control = ref ControlOf(slot);
            while (true)
            {
                ulong c = Volatile.Read(ref control);
                if (StateOf(c) is not (SlotState.Taken or SlotState.Writing) || ServerOf(c) != server)
                    break;
                // A request its client already gave up is simply freed.
                ulong next = (c & CancelledBit) != 0 ? c & GenerationMask : (c & ~(StateMask | WaiterBits)) | (ulong)SlotState.Failed;
                if (Interlocked.CompareExchange(ref control, next, c) != c)
                    continue;
                WakeWaiters(slot, c);
                if ((c & CancelledBit) != 0)
                    SignalFreed();
                failed++;
                break;
            }
        }
        return failed;
    }

    // ---- queued requests -------------------------------------------------------------------------------------

    /// <summary>
    /// Whether a queued request can never be taken: its id names no slot, or its slot no longer holds it waiting
    /// (ACQUIRED at its generation) because it was cancelled, abandoned, cleared, failed or reclaimed from a dead
    /// client. Exactly the requests <see cref="TryMarkTaken"/> refuses, so dropping one early does what a server
    /// would do at receive. The answer is final: only FREE → ACQUIRED changes a slot's generation, always to a new
    /// one, so a request found abandoned is never waited for again (its slot's next request has another id).
    /// </summary>
    public bool IsAbandoned(ulong id)
    {
        if (!IsPlausible(id))
            return true; // a corrupt id: a server drops it too, never indexes with it
        var request = new RequestId(id);
        // Acquire: pairs with the CAS that freed the slot (cancel, reap, clear); no store of ours depends on it.
        ulong c = Volatile.Read(ref ControlOf(request.Slot));
        return !SameRequest(c, request) || StateOf(c) != SlotState.Acquired;
    }

    /// <summary>Slots whose request waits for a server (ACQUIRED), the caller's own included; a racy snapshot.</summary>
    public int CountWaiting()
    {
        int waiting = 0;
        for (int slot = 0; slot < _count; slot++)
        {
            if (StateOf(Volatile.Read(ref ControlOf(slot))) == SlotState.Acquired)
                waiting++;
        }
        return waiting;
    }

    /// <summary>Fails one request whose queue entry was lost with a dead server (typed channel's queue recovery).</summary>
    public bool FailRequest(ulong id)
    {
        if (!IsPlausible(id))
            return false;
        var request = new RequestId(id);
        ref ulong control = ref ControlOf(request.Slot);
        while (true)
        {
            ulong c = Volatile.Read(ref control);
            if (!SameRequest(c, request) || StateOf(c) is not (SlotState.Acquired or SlotState.Taken))
                return false;
            ulong next = (c & ~(StateMask | WaiterBits)) | (ulong)SlotState.Failed;
            if (Interlocked.CompareExchange(ref control, next, c) == c)
            {
                WakeWaiters(request.Slot, c);
                return true;
            }
        }
    }

    /// <summary>Frees every slot (a Get on any earlier id then says stale); slots a live server is writing are left to it.</summary>
    public void ClearAll()
    {
        for (int slot = 0; slot < _count; slot++)
        {
            ref ulong control = ref ControlOf(slot);
            while (true)
            {
                ulong c = Volatile.Read(ref control);
                if (StateOf(c) == SlotState.Free || TryAbandon(slot, c) != Abandon.Raced)
                    break;
            }
        }
    }

    private void WakeWaiters(int slot, ulong old)
    {
        if ((old & SyncWaiterBit) != 0)
            Futex.Wake((uint*)Unsafe.AsPointer(ref ControlOf(slot)), int.MaxValue);
        if ((old & AsyncWaiterBit) != 0)
            Members.RingDoorbell(ClientOf(old));
    }

    /// <summary>After a slot became FREE (a CAS: full fence): wakes senders waiting for one, if any registered.</summary>
    private void SignalFreed()
    {
        if (Volatile.Read(ref *_freedWaiters) == 0)
            return;
        Interlocked.Increment(ref *_freedSequence);
        Futex.Wake(_freedSequence, int.MaxValue);
    }

    public uint* FreedSequence => _freedSequence;

    public uint* FreedWaiters => _freedWaiters;

    /// <summary>True once the request is no longer pending.</summary>
    /// <summary>Spins (the hot phase of a wait) until the request is no longer pending; false if the budget ran out first.</summary>
    public bool SpinForAnswer(RequestId id)
    {
        var answered = new AnsweredProbe(this, id);
        return HotSpin.Until(ref answered);
    }

    private struct AnsweredProbe(ResponseSlotTable slots, RequestId id) : IWaitAttempt
    {
        public ReplyState State;

        public bool TryOnce() => (State = slots.Inspect(id, out _)) != ReplyState.Pending;
    }

    /// <summary>A futex word to wake when a blocked wait is cancelled (the word need not change: the wait re-checks the token).</summary>
    private sealed class WakeTarget(uint* word)
    {
        public void Wake() => Futex.Wake(word, int.MaxValue);
    }
}

/// <summary>The state of a response slot (Control bits 0-3).</summary>
internal enum SlotState : uint
{
    Free = 0,
    Acquired = 1,
    Taken = 2,
    Writing = 3,
    Ready = 4,
    Failed = 5,
}

/// <summary>Where a request stands, from its client's point of view.</summary>
internal enum ReplyState
{
    Pending,
    Ready,
    Failed,
    Stale,

    /// <summary>WaitForReply only: the deadline passed.</summary>
    TimedOut,

    /// <summary>WaitForReply only: the server that took it died, or every server is gone.</summary>
    ServerLost,
}

/// <summary>What a cancel did.</summary>
internal enum CancelOutcome
{
    Released,
    ReplyArrived,
    Stale,
}

/// <summary>Turns a response's bytes (valid only during the call) into the caller's result.</summary>
internal delegate TResult ResponseReader<TResult>(ReadOnlySpan<byte> response);
