using System.Runtime.InteropServices;

namespace Shm.Primitives.Threading;

/// <summary>
/// Parks asynchronous operations on futex words without a thread per operation. Each group thread waits on up
/// to 127 words with one futex_waitv call (plus a process-private doorbell rung when its set changes), then
/// polls its operations. 1,000 pending operations cost 8 threads.
/// </summary>
/// <remarks>
/// Operations complete on the group thread under its lock; their continuations must run asynchronously
/// (ManualResetValueTaskSourceCore.RunContinuationsAsynchronously) so user code never runs there. A periodic
/// tick (<see cref="TickInterval"/>) re-polls everything: it bounds the delay of crash recovery, which needs
/// a waiter to look at a stuck position again even when no one wakes it.
/// </remarks>
internal sealed class FutexWaitService
{
    public static readonly FutexWaitService Shared = new();

    /// <summary>How often every parked operation is re-polled without a wake-up.</summary>
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(10);

    private const int OperationsPerGroup = Futex.MaxWaitv - 1; // one entry is the doorbell
    private readonly List<Group> _groups = [];

    /// <summary>Threads started so far (diagnostics and tests).</summary>
    public int GroupCount
    {
        get
        {
            lock (_groups)
                return _groups.Count;
        }
    }

    public void Add(IFutexWaiter waiter)
    {
        Group? target = null;
        lock (_groups)
        {
            foreach (Group group in _groups)
            {
                if (group.TryReserve())
                {
                    target = group;
                    break;
                }
            }
            if (target is null)
            {
                target = new Group(_groups.Count);
                target.TryReserve();
                _groups.Add(target);
            }
        }
        target.Add(waiter);
    }

    /// <summary>Rings every group so cancellations are seen promptly.</summary>
    public void RingAll()
    {
        lock (_groups)
        {
            foreach (Group group in _groups)
                group.Ring();
        }
    }

    /// <summary>Removes and abandons every operation of <paramref name="owner"/>; when this returns none of them runs again.</summary>
    public void RemoveOwnedBy(object owner, Exception error)
    {
        Group[] groups;
        lock (_groups)
            groups = [.. _groups];
        foreach (Group group in groups)
            group.RemoveOwnedBy(owner, error);
    }

    private sealed unsafe class Group
    {
        private readonly object _gate = new();
        private readonly List<IFutexWaiter> _waiters = [];
        private readonly uint* _doorbell;
        private int _reserved;

        public Group(int index)
        {
            _doorbell = (uint*)NativeMemory.AllocZeroed(sizeof(uint)); // lives as long as the thread: forever
            var thread = new Thread(Run) { IsBackground = true, Name = $"Shm futex waiter {index}" };
            thread.Start();
        }

        public bool TryReserve()
        {
            if (Volatile.Read(ref _reserved) >= OperationsPerGroup)
                return false;
            Interlocked.Increment(ref _reserved);
            return true;
        }

        public void Add(IFutexWaiter waiter)
        {
            lock (_gate)
                _waiters.Add(waiter);
            Ring();
        }

        public void Ring()
        {
            Interlocked.Increment(ref *_doorbell);
            Futex.Wake(_doorbell, 1, processPrivate: true);
        }

        public void RemoveOwnedBy(object owner, Exception error)
        {
            lock (_gate)
            {
                for (int i = _waiters.Count - 1; i >= 0; i--)
                {
                    IFutexWaiter waiter = _waiters[i];
                    if (!ReferenceEquals(waiter.Owner, owner))
                        continue;
                    RemoveAtLocked(i);
                    waiter.Abandon(error);
                }
            }
            Ring();
        }

        private void RemoveAtLocked(int index)
        {
            int last = _waiters.Count - 1;
            _waiters[index] = _waiters[last];
            _waiters.RemoveAt(last);
            Interlocked.Decrement(ref _reserved);
        }

        private void Run()
        {
            Futex.WaitvEntry* entries = stackalloc Futex.WaitvEntry[Futex.MaxWaitv];
            while (true)
            {
                uint bell = Volatile.Read(ref *_doorbell); // before polling: a ring after this read wakes the wait below
                int count = 0;
                lock (_gate)
                {
                    for (int i = _waiters.Count - 1; i >= 0; i--)
                    {
                        IFutexWaiter waiter = _waiters[i];
                        bool finished;
                        uint* word;
                        uint expected;
                        try
                        {
                            finished = waiter.Poll(out word, out expected);
                        }
                        catch (Exception error)
                        {
                            waiter.Abandon(error);
                            finished = true;
                            word = null;
                            expected = 0;
                        }
                        if (finished)
                            RemoveAtLocked(i);
                        else
                            entries[count++] = Futex.Entry(word, expected, processPrivate: false);
                    }
                }
                entries[count++] = Futex.Entry(_doorbell, bell, processPrivate: true);
                Futex.WaitMany(entries, count, Futex.MonotonicNowTicks() + TickInterval.Ticks);
            }
        }
    }
}
