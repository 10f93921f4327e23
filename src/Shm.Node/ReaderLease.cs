namespace Shm.Node;

/// <summary>
/// A transport reader thread's right to read, and the record its watchdog checks for a stuck turn. The reader runs
/// actors' turns inline (see Shm.Transport's <c>ShmReaderExecutorConfigurator</c>), so one can block: an actor that waits for a message
/// only this reader would deliver would hang its node for good. Each inline turn is marked begun and ended here; the
/// watchdog revokes the lease of a turn it finds running at two checks in a row and starts a new reader with a new
/// lease. The stuck thread sees <see cref="IsRevoked"/> once the turn returns and stops without touching the reader's
/// state again.
/// </summary>
/// <remarks>
/// Only turns are marked, not whole deliveries: a message whose turn is running is already in its actor's hands, so
/// what the new reader delivers to that actor queues behind it and each sender's order holds. A reader merely slow
/// before that point (descheduled while deserializing, say) is never replaced: its successor could overtake it.
/// </remarks>
internal sealed class ReaderLease
{
    private const long Revoked = -1;

    [ThreadStatic]
    private static ReaderLease? t_held;

    // (turns << 1) | 1 while a turn runs, turns << 1 between them, Revoked once taken away. Written by the holder (a
    // plain write to begin, a CAS to end) and by one revoking CAS: whichever CAS comes second fails.
    private long _state;

    // Turns scheduled while the holder delivers a batch, run when it ends (see BeginBatch). The holder adds and runs
    // them; a revoking watchdog hands what is left to the thread pool, so the lock is for that hand-over.
    private readonly Lock _deferGate = new();
    private readonly List<IThreadPoolWorkItem> _deferred = [];
    private Action<IThreadPoolWorkItem>? _runner;
    private int _nextDeferred;
    private bool _batching; // the holder's only
    private bool _ending; // the holder's only: EndBatch is running the deferred turns
    private int _rescheduled; // the holder's only: turns a running deferred turn scheduled, in this batch

    /// <summary>
    /// How many turns that deferred turns schedule (a mailbox that ended its throughput with messages left, or an idle
    /// actor a turn told) one batch runs itself; past it they go to the thread pool, so local actors that keep each
    /// other busy cannot keep the reader from the ring.
    /// </summary>
    public const int MaxRescheduledPerBatch = 64;

    /// <summary>The lease the calling thread holds, if it is a transport reader.</summary>
    public static ReaderLease? Held => t_held;

    /// <summary>Whether the lease was taken away: its thread must stop reading (once its turn has returned).</summary>
    public bool IsRevoked => Volatile.Read(ref _state) == Revoked;

    /// <summary>Makes this the calling thread's lease (the reader's loop, first thing).</summary>
    public void Hold() => t_held = this;

    /// <summary>Marks an inline turn begun (the holder's thread only, once the message is in the actor's hands).</summary>
    public void TurnBegun()
    {
        // A full fence between the write and the read, against the watchdog's going dormant (see TrySleepWatchdog).
        Interlocked.Exchange(ref _state, _state | 1);
        if (Volatile.Read(ref _wakeWatchdog) is not null && Interlocked.Exchange(ref _wakeWatchdog, null) is { } wake)
            wake();
    }

    private Action? _wakeWatchdog; // set while the watchdog sleeps: the next turn wakes it

    /// <summary>
    /// The watchdog, having seen no turn at <paramref name="seen"/> for a while, stops checking until the next turn
    /// begins (which calls <paramref name="wake"/>); false, and nothing changed, when a turn began meanwhile.
    /// </summary>
    public bool TrySleepWatchdog(Action wake, long seen)
    {
        Interlocked.Exchange(ref _wakeWatchdog, wake);
        if (Interlocked.Read(ref _state) == seen)
            return true;
        return Interlocked.Exchange(ref _wakeWatchdog, null) is null; // a turn took it and woke the watchdog already
    }

    /// <summary>Marks the turn ended (a no-op once revoked: <see cref="IsRevoked"/> tells the holder).</summary>
    public void TurnEnded() => EndTurn();

    /// <summary>Marks the turn ended; false if the lease was revoked meanwhile.</summary>
    public bool EndTurn()
    {
        long running = _state; // the holder's own write, unless revoked since (then the CAS fails)
        return running != Revoked && Interlocked.CompareExchange(ref _state, running + 1, running) == running;
    }

    /// <summary>
    /// Revokes the lease if the turn running now is the one <paramref name="seen"/> at the last check (the watchdog's
    /// thread); <paramref name="seen"/> becomes the turn running now, if any.
    /// </summary>
    public bool RevokeIfStuck(ref long seen)
    {
        long state = Volatile.Read(ref _state);
        bool stuck = state == seen && TryRevoke(state);
        seen = state;
        return stuck;
    }

    /// <summary>
    /// The holder starts delivering a batch (the messages it found waiting): turns scheduled meanwhile wait for
    /// <see cref="EndBatch"/>, so an actor with several messages in the batch takes them in one turn instead of one
    /// turn each.
    /// </summary>
    public void BeginBatch() => _batching = true;

    /// <summary>
    /// Defers <paramref name="turn"/> to the end of the batch, when <paramref name="runner"/> runs it; false outside a
    /// batch. While <see cref="EndBatch"/> runs the deferred turns, a turn they schedule joins the end of the list (up to
    /// <see cref="MaxRescheduledPerBatch"/> a batch): a mailbox whose throughput ran out with messages left resumes on
    /// this thread after the others instead of waking a pool worker that would then race the reader for its messages.
    /// </summary>
    public bool TryDefer(IThreadPoolWorkItem turn, Action<IThreadPoolWorkItem> runner)
    {
        if (!_batching && !(_ending && _rescheduled++ < MaxRescheduledPerBatch))
            return false;
        lock (_deferGate)
        {
            if (IsRevoked)
                return false;
            _runner = runner;
            _deferred.Add(turn);
        }
        return true;
    }

    /// <summary>
    /// Ends the batch: runs the deferred turns in the order they were scheduled. When one blocks and the watchdog
    /// revokes the lease, the watchdog gives the ones not run yet to the thread pool, and this returns once the
    /// blocked turn does (the holder then stops, as after any revoked turn).
    /// </summary>
    public void EndBatch()
    {
        _batching = false;
        _ending = true;
        _rescheduled = 0;
        try
        {
            while (true)
            {
                IThreadPoolWorkItem turn;
                Action<IThreadPoolWorkItem> runner;
                lock (_deferGate)
                {
                    if (_nextDeferred == _deferred.Count || IsRevoked)
                    {
                        if (!IsRevoked)
                            ClearDeferred();
                        return;
                    }
                    turn = _deferred[_nextDeferred++];
                    runner = _runner!;
                }
                runner(turn);
            }
        }
        finally
        {
            _ending = false;
        }
    }

    private void ClearDeferred()
    {
        _deferred.Clear();
        _nextDeferred = 0;
    }

    /// <summary>After a revocation: the deferred turns not run yet go to the thread pool (the blocked holder will not run them).</summary>
    private void HandOverDeferred()
    {
        lock (_deferGate)
        {
            for (int i = _nextDeferred; i < _deferred.Count; i++)
                ThreadPool.UnsafeQueueUserWorkItem(_deferred[i], preferLocal: false);
            ClearDeferred();
        }
    }

    /// <summary>Revokes the lease if a turn is running (its thread then stops when the turn returns).</summary>
    public bool TryRevokeTurn() => TryRevoke(Volatile.Read(ref _state));

    private bool TryRevoke(long state)
    {
        if (state == Revoked || (state & 1) == 0 || Interlocked.CompareExchange(ref _state, Revoked, state) != state)
            return false;
        HandOverDeferred();
        return true;
    }
}
