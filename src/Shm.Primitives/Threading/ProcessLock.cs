using System.Diagnostics;

namespace Shm.Primitives.Threading;

/// <summary>
/// A lock in shared memory whose word names the process holding it: 0 when free, else the holder's
/// <see cref="ProcessIdentity.CurrentOwner"/> (pid and start time, so a recycled pid is not mistaken for the holder).
/// Taking it is one compare-and-swap; releasing it is a plain release store, so a holder never waits for its own
/// stores to reach other cores (the locked instruction of a futex-based unlock does: with readers polling the lines a
/// publish writes, that wait cost more than the rest of the publish). A waiter spins briefly, then naps (no one wakes
/// it, so an unlock costs nothing either), and checks every <see cref="OwnerCheckInterval"/> whether the holder still
/// lives: a holder that died is replaced by the waiter, which is told so and repairs what the holder left.
/// </summary>
/// <remarks>
/// For short critical sections that never block (a copy into a slot). Threads of one process exclude each other by
/// the compare-and-swap like any others; a .NET thread cannot end while holding it except with its process. A stopped
/// holder (SIGSTOP) keeps the lock, as it would a robust mutex. A word another process overwrote with garbage names no
/// live process and is taken over like a dead holder's.
/// </remarks>
internal static unsafe class ProcessLock
{
    /// <summary>How often a waiter asks whether the holder still lives (a read of /proc: not on every probe).</summary>
    public static readonly TimeSpan OwnerCheckInterval = TimeSpan.FromMilliseconds(1);

    private static readonly long s_ownerCheckTicks = (long)(OwnerCheckInterval.TotalSeconds * Stopwatch.Frequency);

    /// <summary>Takes the lock, waiting as long as a live holder keeps it.</summary>
    /// <returns><see cref="LockOutcome.Acquired"/>, or <see cref="LockOutcome.AcquiredFromDeadOwner"/>: repair, then go on.</returns>
    public static LockOutcome Lock(ulong* word)
    {
        ulong me = ProcessIdentity.CurrentOwner;
        if (Interlocked.CompareExchange(ref *word, me, 0) == 0)
            return LockOutcome.Acquired;
        return LockContended(word, me);
    }

    private static LockOutcome LockContended(ulong* word, ulong me)
    {
        var free = new FreeWord(word, me);
        while (!Nap.Until(ref free, s_ownerCheckTicks))
        {
            ulong holder = Volatile.Read(ref *word);
            // Another thread of this process holds it while it runs: only other processes can die holding it.
            if (holder != 0 && holder != me && !ProcessIdentity.IsAlive(holder) && Interlocked.CompareExchange(ref *word, me, holder) == holder)
                return LockOutcome.AcquiredFromDeadOwner;
        }
        return LockOutcome.Acquired;
    }

    /// <summary>Takes the word once it reads free.</summary>
    private readonly struct FreeWord(ulong* word, ulong me) : IWaitAttempt
    {
        public bool TryOnce() => Volatile.Read(ref *word) == 0 && Interlocked.CompareExchange(ref *word, me, 0) == 0;
    }

    /// <summary>Releases the lock: everything written while holding it is visible to the next holder first.</summary>
    public static void Unlock(ulong* word) => Volatile.Write(ref *word, 0UL);
}
