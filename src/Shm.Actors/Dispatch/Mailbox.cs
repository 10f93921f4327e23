using Shm.Actors.Event;
using Shm.Actors.Internal;

namespace Shm.Actors.Dispatch;

/// <summary>
/// One actor's mailbox and its unit of work on the thread pool. Producers add user messages to the pluggable
/// <see cref="IMessageQueue"/> and system messages to a lock-free stack, then schedule the mailbox if it is idle. A turn
/// (<see cref="Execute"/>) runs all system messages, then at most <c>throughput</c> user messages, then yields the thread.
/// </summary>
/// <remarks>
/// An actor never runs concurrently with itself because of the single <see cref="_scheduled"/> word: only the producer (or
/// the finishing turn) that flips it 0 → 1 queues the work item, and only the running turn sets it back to 0. After clearing
/// it the turn looks at both queues again; a producer that enqueued after the turn's last look but before the clear saw
/// the flag set and did not schedule, so this re-check is what keeps its message from being stranded.
/// </remarks>
internal sealed class Mailbox : IThreadPoolWorkItem
{
    private readonly IMessageQueue _queue;
    private readonly int _throughput;
    private ActorCell _cell = null!;

    // 1 while the mailbox is queued on or running in the thread pool.
    private int _scheduled;

    // 1 once the stopping turn closed the mailbox; afterwards messages go straight to dead letters. Read with acquire
    // semantics by producers after their enqueue (a full fence), written with a full fence by Close: whichever side acts
    // second sees the other's write, so a message is either consumed, drained by Close, or drained by its producer.
    private int _closed;

    // Serializes the drains after close (the closing turn's and late producers'), because a custom queue may assume a
    // single consumer.
    private readonly Lock _drainLock = new();

    // Head of the LIFO stack of system messages, pushed by any thread with a CAS, taken whole by the turn.
    private SystemMessage? _systemHead;

    // Messages put back at the head by Unstash. Touched only by the actor's own turn, so no synchronization.
    private LinkedList<Envelope>? _front;

    public Mailbox(IMessageQueue queue, int throughput)
    {
        _queue = queue;
        _throughput = throughput;
    }

    public IMessageQueue MessageQueue => _queue;

    public bool IsClosed => Volatile.Read(ref _closed) != 0;

    public int SuspendCount { get; set; }

    public void SetCell(ActorCell cell) => _cell = cell;

    /// <summary>True while the turn is queued on or running in the thread pool (or inline, see <see cref="PostAndRunIfIdle"/>).</summary>
    public bool IsScheduled => Volatile.Read(ref _scheduled) != 0;

    public bool HasUserMessages => _front is { Count: > 0 } || _queue.HasMessages;

    public int NumberOfMessages => (_front?.Count ?? 0) + _queue.Count;

    /// <summary>Adds a user message (any thread).</summary>
    public void Post(IActorRef receiver, Envelope envelope)
    {
        if (Enqueue(receiver, envelope))
            Schedule();
    }

    /// <summary>
    /// Adds a user message and, when the actor is idle (its turn neither queued nor running), runs that turn on the
    /// calling thread instead of queueing it: a transport thread that hands a request to an actor saves the thread-pool
    /// hand-off (a wake-up of an idle worker, several microseconds). Returns after the turn, or at once if the turn was
    /// already queued or running (it will see the message). The caller must not hold locks the actor could need.
    /// <paramref name="watch"/>, if given, is told when the inline turn begins and ends.
    /// </summary>
    public void PostAndRunIfIdle(IActorRef receiver, Envelope envelope, IInlineTurnWatch? watch = null)
    {
        // Idle with nothing waiting (the common case on a transport thread): the message is the turn's first, so it goes
        // straight to the actor instead of through the queue and back. The default queue only: a custom one may order,
        // bound or count what it is given.
        bool first = false;
        if (_queue is UnboundedMessageQueue && TryClaimTurn())
        {
            first = _front is not { Count: > 0 } && !_queue.HasMessages && Volatile.Read(ref _systemHead) is null && !IsClosed;
            if (!first)
                Enqueue(receiver, envelope);
        }
        else if (!Enqueue(receiver, envelope) || !TryClaimTurn())
        {
            return;
        }
        watch?.TurnBegun();
        try
        {
            Run(envelope, hasFirst: first);
        }
        finally
        {
            watch?.TurnEnded();
        }
    }

    /// <summary>Queues a user message; false if the mailbox is closed (the message went to dead letters instead).</summary>
    private bool Enqueue(IActorRef receiver, Envelope envelope)
    {
        if (IsClosed)
        {
            _cell.System.DeadLetterRef.Deliver(envelope.Message, envelope.Sender, receiver);
            return false;
        }
        _queue.Enqueue(receiver, envelope);
        if (IsClosed)
        {
            // The stopping turn may have drained the queue before our enqueue landed: drain again so nothing is left in a
            // mailbox nobody will read. Whichever of us dequeues a message dead-letters it, so none is reported twice.
            lock (_drainLock) _queue.CleanUp(receiver, _cell.System.DeadLetters);
            return false;
        }
        return true;
    }

    /// <summary>Marks the turn scheduled; false if it already was (queued or running).</summary>
    private bool TryClaimTurn() => Volatile.Read(ref _scheduled) == 0 && Interlocked.CompareExchange(ref _scheduled, 1, 0) == 0;

    /// <summary>Adds a system message (any thread).</summary>
    public void PostSystem(SystemMessage message)
    {
        System.Diagnostics.Debug.Assert(message.Next is null, "a system message instance must be sent once");
        SystemMessage? head;
        do
        {
            head = Volatile.Read(ref _systemHead);
            message.Next = head;
        }
        // Release: Next is visible before the message is reachable from _systemHead; pairs with the Exchange in TakeSystem.
        while (Interlocked.CompareExchange(ref _systemHead, message, head) != head);
        if (IsClosed)
        {
            // Stopped actor: answer what needs an answer (a Watch gets a Terminated) on this thread.
            foreach (SystemMessage m in TakeSystem()) _cell.HandleSystemMessageWhenDead(m);
            return;
        }
        Schedule();
    }

    /// <summary>
    /// Queues the turn unless it is already queued or running. A pool thread queues it locally: the message that woke the
    /// actor was just written by this thread, so running the receiver here next finds it in cache.
    /// </summary>
    public void Schedule()
    {
        if (TryClaimTurn())
            ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: true);
    }

    /// <summary>Puts <paramref name="envelopes"/> ahead of everything waiting, in their order (the actor's own turn only).</summary>
    public void EnqueueFirst(IEnumerable<Envelope> envelopes)
    {
        _front ??= new LinkedList<Envelope>();
        LinkedListNode<Envelope>? anchor = _front.First;
        foreach (Envelope e in envelopes)
        {
            if (anchor is null) _front.AddLast(e);
            else _front.AddBefore(anchor, e);
        }
    }

    /// <summary>Closes the mailbox and dead-letters every waiting user message (the stopping turn only).</summary>
    public void Close(IActorRef owner, IActorRef deadLetters)
    {
        // Full fence: the flag must be visible before we drain, or a producer could enqueue after our drain while still
        // reading the flag as open (a store-load reordering a plain volatile write allows).
        Interlocked.Exchange(ref _closed, 1);
        if (_front is not null)
        {
            foreach (Envelope e in _front) deadLetters.Tell(new DeadLetter(e.Message, e.Sender ?? ActorRefs.Nobody, owner), e.Sender);
            _front = null;
        }
        lock (_drainLock) _queue.CleanUp(owner, deadLetters);
    }

    public void Execute() => Run(default, hasFirst: false);

    /// <summary>A turn; <paramref name="first"/>, when given, is the user message it handles before the queue's.</summary>
    private void Run(Envelope first, bool hasFirst)
    {
        System.Diagnostics.Debug.Assert(Volatile.Read(ref _scheduled) == 1, "a turn runs only while its mailbox is marked scheduled");
        ActorCell cell = _cell;
        ActorCell? previous = ActorCell.Current;
        ActorCell.Current = cell;
        bool yielded = false;
        try
        {
            ProcessSystemMessages(cell);
            if (cell.CanProcessUserMessages)
                yielded = ProcessUserMessages(cell, first, hasFirst);
            else if (hasFirst)
                Enqueue(cell.Self, first); // a system message that came meanwhile suspended or stopped the actor: in line it waits (or is a dead letter)
        }
        finally
        {
            ActorCell.Current = previous;
            if (yielded && !IsClosed)
            {
                // The turn used its whole throughput and mail is waiting: go to the back of the global queue, keeping
                // the scheduled flag (this turn still owns it). Re-queueing on the local queue would pop this actor
                // right back (it is LIFO for its own thread) and starve the actors it has just sent to.
                ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
            }
            else
            {
                // Full fence: the clear must be globally visible before we read the queues below, or a producer that saw
                // the flag still set (and so did not schedule) could be missed by our re-check as well.
                Interlocked.Exchange(ref _scheduled, 0);
                if (!IsClosed && (Volatile.Read(ref _systemHead) is not null || (cell.CanProcessUserMessages && HasUserMessages)))
                    Schedule();
            }
        }
    }

    /// <summary>Handles up to <c>throughput</c> user messages; true when it stopped at that limit with mail still waiting.</summary>
    private bool ProcessUserMessages(ActorCell cell, Envelope first, bool hasFirst)
    {
        IMessageQueue queue = _queue;
        for (int left = _throughput; left > 0; left--)
        {
            Envelope envelope;
            if (hasFirst)
            {
                envelope = first;
                hasFirst = false;
            }
            else if (_front is { Count: > 0 } front)
            {
                envelope = front.First!.Value;
                front.RemoveFirst();
            }
            else if (!queue.TryDequeue(out envelope))
            {
                return false;
            }
            cell.Invoke(envelope);
            if (Volatile.Read(ref _systemHead) is not null) ProcessSystemMessages(cell);
            if (!cell.CanProcessUserMessages) return false;
        }
        return HasUserMessages;
    }

    private void ProcessSystemMessages(ActorCell cell)
    {
        while (Volatile.Read(ref _systemHead) is not null)
        {
            foreach (SystemMessage m in TakeSystem())
            {
                if (IsClosed) cell.HandleSystemMessageWhenDead(m);
                else cell.SystemInvoke(m);
            }
        }
    }

    /// <summary>Takes the whole system stack and returns it oldest first.</summary>
    private List<SystemMessage> TakeSystem()
    {
        // Acquire: pairs with the CAS in PostSystem, so every Next link of the taken list is visible.
        SystemMessage? head = Interlocked.Exchange(ref _systemHead, null);
        var ordered = new List<SystemMessage>();
        for (SystemMessage? m = head; m is not null;)
        {
            SystemMessage? next = m.Next;
            m.Next = null;
            ordered.Add(m);
            m = next;
        }
        ordered.Reverse();
        return ordered;
    }
}
