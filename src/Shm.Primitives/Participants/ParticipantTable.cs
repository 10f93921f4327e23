using System.Runtime.CompilerServices;
using L = Shm.Primitives.Participants.ParticipantRecordLayout;

namespace Shm.Primitives.Participants;

/// <summary>
/// The table of participant records in a segment: one per (process, thread, instance) using it. Records let
/// survivors tell which process holds a slot that is taken but not committed, and whether that process is
/// dead (PID-reuse safe), and they carry per-thread statistics off the shared hot lines.
/// </summary>
/// <remarks>
/// A record is taken with a CAS of Owner from 0, released by its instance on dispose, and reaped by any
/// survivor once its owner is dead: first the dead thread's claim is resolved, then its statistics are folded
/// into the segment's retired counters and its sleeper counts removed from the global ones, and only then is
/// Owner set back to 0. A reaper that dies itself is taken over by the next one.
/// </remarks>
internal sealed unsafe class ParticipantTable
{
    [ThreadStatic]
    private static ThreadParticipant? t_last;

    // The one used before t_last: a thread alternating between two instances (a transport thread taking from its own
    // inbox and pushing into a peer's) stays on the inlined fast path.
    [ThreadStatic]
    private static ThreadParticipant? t_previous;

    // The few tables this thread used last: a thread that goes round more instances than two (a transport thread
    // pushing into several peers' inboxes) finds them here without a weak-table lookup. Released tables' entries
    // miss (their participants' Table is cleared), so the array keeps no released table alive.
    [ThreadStatic]
    private static ThreadParticipant?[]? t_recent;

    [ThreadStatic]
    private static int t_recentNext;

    // Weak keys: a thread that used many short-lived instances must not keep them (and their records' wrappers) alive.
    [ThreadStatic]
    private static ConditionalWeakTable<ParticipantTable, ThreadParticipant>? t_byTable;

    private readonly byte* _records;
    private readonly int _recordCount;
    private readonly string _segmentName;
    private readonly long* _retiredCounters;
    private readonly uint* _consumerWaiters;
    private readonly uint* _producerWaiters;
    private readonly List<ThreadParticipant> _mine = [];
    private bool _released;

    public ParticipantTable(byte* records, int recordCount, string segmentName, long* retiredCounters, uint* consumerWaiters, uint* producerWaiters)
    {
        _records = records;
        _recordCount = recordCount;
        _segmentName = segmentName;
        _retiredCounters = retiredCounters;
        _consumerWaiters = consumerWaiters;
        _producerWaiters = producerWaiters;
    }

    public int RecordCount => _recordCount;

    /// <summary>Writes the zero state of a new table (all records free, claim counts 1).</summary>
    public static void Initialize(byte* records, int recordCount)
    {
        for (int i = 0; i < recordCount; i++)
            *(uint*)(records + (long)i * L.Size + L.ClaimCountOffset) = 1;
    }

    /// <summary>This thread's record, taking one on first use. The fast path is one or two thread-static reads.</summary>
    public ThreadParticipant Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            ThreadParticipant? last = t_last;
            if (last is not null && last.Table == this)
                return last;
            ThreadParticipant? previous = t_previous;
            return previous is not null && previous.Table == this ? previous : CurrentSlow();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private ThreadParticipant CurrentSlow()
    {
        ThreadParticipant?[] recent = t_recent ??= new ThreadParticipant?[4];
        foreach (ThreadParticipant? candidate in recent)
        {
            if (candidate is not null && candidate.Table == this)
            {
                t_previous = t_last;
                t_last = candidate;
                return candidate;
            }
        }
        if (Volatile.Read(ref _released))
            throw new ObjectDisposedException(_segmentName);
        t_byTable ??= new ConditionalWeakTable<ParticipantTable, ThreadParticipant>();
        if (!t_byTable.TryGetValue(this, out ThreadParticipant? participant) || participant.Table is null)
        {
            participant = new ThreadParticipant(this, TakeRecord(resolver: null));
            lock (_mine)
            {
                if (_released)
                {
                    ReleaseRecord(participant.Record);
                    throw new ObjectDisposedException(_segmentName);
                }
                _mine.Add(participant);
            }
            t_byTable.AddOrUpdate(this, participant);
        }
        recent[t_recentNext++ & (recent.Length - 1)] = participant;
        t_previous = t_last;
        t_last = participant;
        return participant;
    }

    /// <summary>The resolver used when a full table forces a reap from <see cref="Current"/>.</summary>
    public IDeadClaimResolver? Resolver { get; set; }

    private byte* TakeRecord(IDeadClaimResolver? resolver)
    {
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < _recordCount; i++)
            {
                byte* record = RecordAt(i);
                ref ulong owner = ref *(ulong*)(record + L.OwnerOffset);
                if (Volatile.Read(ref owner) == 0 && Interlocked.CompareExchange(ref owner, ProcessIdentity.CurrentOwner, 0) == 0)
                    return record;
            }
            ReapDead(resolver ?? Resolver);
        }
        throw new InvalidOperationException(ThrowHelper.Format(SR.Participants_Full, _segmentName, _recordCount));
    }

    /// <summary>Releases every record this instance took (dispose). Later use from any thread throws.</summary>
    public void ReleaseAll()
    {
        lock (_mine)
        {
            _released = true;
            foreach (ThreadParticipant participant in _mine)
            {
                participant.Table = null; // every thread's cached lookup now misses and reaches the released check
                ReleaseRecord(participant.Record);
            }
            _mine.Clear();
        }
    }

    /// <summary>A record of ours with no claim in flight: fold its statistics and free it.</summary>
    private void ReleaseRecord(byte* record)
    {
        Retire(record);
        Volatile.Write(ref *(ulong*)(record + L.OwnerOffset), 0);
    }

    /// <summary>
    /// Moves a record's counters into the retired ones and its sleeper counts out of the global ones. Each value
    /// is exchanged to zero before it is added elsewhere, so a reaper that dies halfway and is taken over never
    /// counts a value twice (it may drop one: statistics only; a sleeper count left behind only costs wake calls).
    /// </summary>
    private void Retire(byte* record)
    {
        for (int c = 0; c < L.CounterCount; c++)
        {
            long value = Interlocked.Exchange(ref *(long*)(record + L.CountersOffset + c * sizeof(long)), 0);
            if (value != 0)
                Interlocked.Add(ref _retiredCounters[c], value);
        }
        uint consumers = Interlocked.Exchange(ref *(uint*)(record + L.ConsumerWaitsOffset), 0);
        if (consumers != 0)
            Interlocked.Add(ref *(int*)_consumerWaiters, -(int)consumers);
        uint producers = Interlocked.Exchange(ref *(uint*)(record + L.ProducerWaitsOffset), 0);
        if (producers != 0)
            Interlocked.Add(ref *(int*)_producerWaiters, -(int)producers);
        Volatile.Write(ref *(ulong*)(record + L.ClaimOffset), 0);
        Volatile.Write(ref *(uint*)(record + L.ClaimCountOffset), 1);
    }

    /// <summary>
    /// Frees the records of dead processes whose claims are resolved. Returns how many were reaped. Reads
    /// /proc for each distinct owner, so callers rate-limit it.
    /// </summary>
    public int ReapDead(IDeadClaimResolver? resolver)
    {
        int reaped = 0;
        ulong me = ProcessIdentity.CurrentOwner;
        for (int i = 0; i < _recordCount; i++)
        {
            byte* record = RecordAt(i);
            ref ulong ownerWord = ref *(ulong*)(record + L.OwnerOffset);
            ulong owner = Volatile.Read(ref ownerWord);
            if (owner == 0)
                continue;
            ulong holder = owner & ~L.ReapingBit;
            if (holder == me || ProcessIdentity.IsAlive(holder))
                continue; // a live owner, or a live reaper already at work
            if (Interlocked.CompareExchange(ref ownerWord, L.ReapingBit | me, owner) != owner)
                continue;

            ulong claim = Volatile.Read(ref *(ulong*)(record + L.ClaimOffset));
            uint count = Volatile.Read(ref *(uint*)(record + L.ClaimCountOffset));
            if ((claim & L.ActiveBit) != 0 && (resolver is null || !resolver.TryResolveDeadClaim(claim, count)))
            {
                // Not resolvable yet: hand the record back unchanged so the claim stays visible to recovery.
                Volatile.Write(ref ownerWord, owner);
                continue;
            }
            Retire(record);
            Volatile.Write(ref ownerWord, 0);
            reaped++;
        }
        return reaped;
    }

    /// <summary>
    /// Who claims <paramref name="position"/> on the given side: returns true if at least one record covers it
    /// and every such record's owner is dead (or being reaped); false if any is alive or none covers it.
    /// </summary>
    public bool IsClaimHeldOnlyByDead(long position, bool consumerSide)
    {
        bool any = false;
        for (int i = 0; i < _recordCount; i++)
        {
            byte* record = RecordAt(i);
            ulong claim = Volatile.Read(ref *(ulong*)(record + L.ClaimOffset));
            if ((claim & L.ActiveBit) == 0 || ((claim & L.ConsumerBit) != 0) != consumerSide)
                continue;
            long start = (long)(claim & L.PositionMask);
            uint count = Volatile.Read(ref *(uint*)(record + L.ClaimCountOffset));
            if (position < start || position - start >= count)
                continue;
            ulong owner = Volatile.Read(ref *(ulong*)(record + L.OwnerOffset));
            if (owner == 0)
                continue; // a freed record's leftover claim is stale by construction
            if ((owner & L.ReapingBit) == 0 && ProcessIdentity.IsAlive(owner))
                return false;
            any = true;
        }
        return any;
    }

    /// <summary>Whether a live process has an announced claim covering <paramref name="position"/> on the given side.</summary>
    public bool HasLiveClaim(long position, bool consumerSide)
    {
        for (int i = 0; i < _recordCount; i++)
        {
            byte* record = RecordAt(i);
            ulong claim = Volatile.Read(ref *(ulong*)(record + L.ClaimOffset));
            if ((claim & L.ActiveBit) == 0 || ((claim & L.ConsumerBit) != 0) != consumerSide)
                continue;
            long start = (long)(claim & L.PositionMask);
            uint count = Volatile.Read(ref *(uint*)(record + L.ClaimCountOffset));
            if (position < start || position - start >= count)
                continue;
            ulong owner = Volatile.Read(ref *(ulong*)(record + L.OwnerOffset));
            if (owner != 0 && (owner & L.ReapingBit) == 0 && ProcessIdentity.IsAlive(owner))
                return true;
        }
        return false;
    }

    /// <summary>Sum of one counter over all records plus the retired value.</summary>
    public long SumCounter(int index)
    {
        long total = Volatile.Read(ref _retiredCounters[index]);
        for (int i = 0; i < _recordCount; i++)
            total += Volatile.Read(ref *(long*)(RecordAt(i) + L.CountersOffset + index * sizeof(long)));
        return total;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private byte* RecordAt(int index) => _records + (long)index * L.Size;
}
