using System.Runtime.InteropServices;
using Shm.Primitives.Interop;

namespace Shm.Primitives.Threading;

/// <summary>How an attempt to take a <see cref="RobustMutex"/> ended.</summary>
internal enum LockOutcome
{
    /// <summary>Taken; the protected state is as the last holder left it after a clean unlock.</summary>
    Acquired,

    /// <summary>Taken from a holder that died (EOWNERDEAD): repair the state, then <see cref="RobustMutex.MarkConsistent"/>.</summary>
    AcquiredFromDeadOwner,

    /// <summary>Not taken: busy (try) or the deadline passed.</summary>
    NotAcquired,
}

/// <summary>
/// A glibc robust, process-shared pthread mutex living in a segment. The kernel tracks its owner by thread, so
/// the death of the holding thread or process is reported to the next locker at once (EOWNERDEAD), whatever
/// PIDs are reused later, and a stopped holder keeps it. Unlock must run on the thread that locked: never hold
/// it across an await, a callback or anything that can throw before the finally that unlocks.
/// </summary>
internal static unsafe class RobustMutex
{
    /// <summary>sizeof(pthread_mutex_t) on x86-64 and arm64 glibc: the bytes a layout must reserve.</summary>
    public const int Size = 40;

    // Fields of glibc's pthread_mutex_t (x86-64 and arm64 alike) that glibc itself trusts when unlocking: it checks
    // the owner, dispatches on the kind, and unlinks the mutex from the thread's robust list by writing through the
    // list pointers. Another process can write anything into the segment (DESIGN.md rule 1): a garbage list pointer
    // there would make pthread_mutex_unlock write through it (SIGSEGV, found by the chaos campaign). The holder
    // snapshots these fields right after locking (glibc has just written them) and puts them back before unlocking.
    private const int GlibcOwnerOffset = 8;
    private const int GlibcKindOffset = 16;
    private const int GlibcListPrevOffset = 24;
    private const int GlibcListNextOffset = 32;
    private const int MaxHeldPerThread = 4;

    [ThreadStatic]
    private static HeldMutex[]? t_held;

    [ThreadStatic]
    private static int t_heldCount;

    private struct HeldMutex
    {
        public nint Mutex;
        public int Owner;
        public int Kind;
        public nint ListPrev;
        public nint ListNext;
    }

    private const int SpinTries = 6;
    private const int ProcessShared = 1;
    private const int Robust = 1;
    private const int ClockMonotonic = 1;

    private static readonly bool s_isGlibc = DetectGlibc();
    private static readonly int s_robustKind = InitializedKind();

    /// <summary>The kind glibc writes into a mutex that <see cref="Initialize"/> sets up (robust, process-shared).</summary>
    private static int InitializedKind()
    {
        if (!s_isGlibc)
            return 0;
        byte* scratch = stackalloc byte[Size];
        Initialize(scratch);
        return *(int*)(scratch + GlibcKindOffset);
    }

    /// <summary>
    /// Before a waiting lock: glibc dispatches on the kind field, and garbage there (another process can write
    /// anything, DESIGN.md rule 1) turns the wait into a plain futex wait on a word no robust owner will ever release,
    /// whose value can even name a live thread (2: kthreadd) and so pass the owner check in <see cref="Lock"/>.
    /// </summary>
    private static void ThrowIfKindIsNotRobust(void* mutex, string segment)
    {
        int kind = Volatile.Read(ref *(int*)((byte*)mutex + GlibcKindOffset));
        if (kind != s_robustKind)
            throw new ShmCorruptedException($"Segment '{segment}': its lock is corrupt (kind 0x{kind:X} instead of the robust process-shared 0x{s_robustKind:X}); remove the segment.");
    }

    /// <summary>Robust mutexes in shared memory need glibc's layout; refuse other C libraries up front.</summary>
    public static void EnsureSupported()
    {
        if (!s_isGlibc)
            throw new PlatformNotSupportedException("Shm's lock-based primitives need glibc's robust process-shared mutex; this process does not run on glibc.");
    }

    public static void Initialize(void* mutex)
    {
        EnsureSupported();
        ulong attributes; // pthread_mutexattr_t is 4 bytes on glibc
        Check(Libc.PthreadMutexattrInit(&attributes), "pthread_mutexattr_init");
        try
        {
            Check(Libc.PthreadMutexattrSetpshared(&attributes, ProcessShared), "pthread_mutexattr_setpshared");
            Check(Libc.PthreadMutexattrSetrobust(&attributes, Robust), "pthread_mutexattr_setrobust");
            Check(Libc.PthreadMutexInit(mutex, &attributes), "pthread_mutex_init");
        }
        finally
        {
            Libc.PthreadMutexattrDestroy(&attributes);
        }
    }

    /// <summary>
    /// Takes the mutex, waiting as long as it takes. Tries a few times with short spins first: glibc's robust lock
    /// goes straight to a futex sleep on contention, and a sleep costs more than a critical section here.
    /// </summary>
    public static LockOutcome Lock(void* mutex, string segment)
    {
        if (TrySpinning(mutex, segment, out LockOutcome outcome))
            return outcome;
        // Waits in slices: a holder that is alive (even stopped) keeps the lock as long as it likes, but a lock word
        // naming a thread that does not exist, with no owner-died mark from the kernel, was written by someone else
        // (garbage in the segment): waiting on it would never end.
        while (true)
        {
            outcome = LockUntil(mutex, Futex.MonotonicNowTicks() + s_ownerCheckTicks, segment);
            if (outcome != LockOutcome.NotAcquired)
                return outcome;
            int word = Volatile.Read(ref *(int*)mutex);
            int owner = word & FutexTidMask;
            if (owner != 0 && (word & FutexOwnerDied) == 0 && !Directory.Exists("/proc/" + owner.ToString(System.Globalization.CultureInfo.InvariantCulture)))
                throw new ShmCorruptedException($"Segment '{segment}': its lock is corrupt (the lock word 0x{word:X8} names thread {owner}, which does not exist); remove the segment.");
        }
    }

    private const int FutexTidMask = 0x3FFFFFFF;
    private const int FutexOwnerDied = 0x40000000;
    private static readonly long s_ownerCheckTicks = TimeSpan.FromSeconds(1).Ticks;

    /// <summary>A few trylocks with short spins; true with the outcome unless the mutex stayed busy throughout.</summary>
    private static bool TrySpinning(void* mutex, string segment, out LockOutcome outcome)
    {
        for (int i = 0; i < SpinTries; i++)
        {
            int result = Libc.PthreadMutexTrylock(mutex);
            if (result != Libc.EBUSY)
            {
                outcome = Outcome(mutex, result, segment);
                return true;
            }
            Thread.SpinWait(8 << i);
        }
        outcome = LockOutcome.NotAcquired;
        return false;
    }

    /// <summary>Takes the mutex if it is free, without waiting.</summary>
    public static LockOutcome TryLock(void* mutex, string segment) => Outcome(mutex, Libc.PthreadMutexTrylock(mutex), segment);

    /// <summary>Takes the mutex, waiting until an absolute CLOCK_MONOTONIC deadline (100 ns ticks).</summary>
    public static LockOutcome LockUntil(void* mutex, long deadlineTicks, string segment)
    {
        if (TrySpinning(mutex, segment, out LockOutcome spun))
            return spun;
        ThrowIfKindIsNotRobust(mutex, segment);
        Futex.Timespec deadline = Futex.Timespec.FromTicks(deadlineTicks);
        int result;
        do
        {
            result = Libc.PthreadMutexClocklock(mutex, ClockMonotonic, &deadline);
        }
        while (result == Libc.EINTR);
        return Outcome(mutex, result, segment);
    }

    /// <summary>After repairing what a dead holder left: the mutex is usable again once unlocked.</summary>
    public static void MarkConsistent(void* mutex)
    {
        Check(Libc.PthreadMutexConsistent(mutex), "pthread_mutex_consistent");
        // glibc just replaced the "inconsistent" owner mark with our thread id: that is the owner to restore at unlock.
        HeldMutex[]? held = t_held;
        for (int i = t_heldCount - 1; held is not null && i >= 0; i--)
        {
            if (held[i].Mutex == (nint)mutex)
            {
                held[i].Owner = Volatile.Read(ref *(int*)((byte*)mutex + GlibcOwnerOffset));
                break;
            }
        }
    }

    /// <summary>Unlocks on the locking thread, first restoring the fields glibc trusts to what they were at the lock.</summary>
    public static void Unlock(void* mutex)
    {
        HeldMutex[]? held = t_held;
        for (int i = t_heldCount - 1; held is not null && i >= 0; i--)
        {
            if (held[i].Mutex != (nint)mutex)
                continue;
            byte* m = (byte*)mutex;
            Volatile.Write(ref *(int*)(m + GlibcOwnerOffset), held[i].Owner);
            Volatile.Write(ref *(int*)(m + GlibcKindOffset), held[i].Kind);
            Volatile.Write(ref *(nint*)(m + GlibcListPrevOffset), held[i].ListPrev);
            Volatile.Write(ref *(nint*)(m + GlibcListNextOffset), held[i].ListNext);
            held[i] = held[--t_heldCount];
            break;
        }
        Libc.PthreadMutexUnlock(mutex);
    }

    /// <summary>Notes the fields glibc just wrote for this thread's hold (see GlibcOwnerOffset).</summary>
    private static void Remember(void* mutex)
    {
        HeldMutex[] held = t_held ??= new HeldMutex[MaxHeldPerThread];
        if (t_heldCount == held.Length)
            return; // more nested holds than any primitive takes: this one is unlocked unguarded
        byte* m = (byte*)mutex;
        held[t_heldCount++] = new HeldMutex
        {
            Mutex = (nint)mutex,
            Owner = Volatile.Read(ref *(int*)(m + GlibcOwnerOffset)),
            Kind = Volatile.Read(ref *(int*)(m + GlibcKindOffset)),
            ListPrev = Volatile.Read(ref *(nint*)(m + GlibcListPrevOffset)),
            ListNext = Volatile.Read(ref *(nint*)(m + GlibcListNextOffset)),
        };
    }

    private static LockOutcome Outcome(void* mutex, int result, string segment)
    {
        if (result is 0 or Libc.EOWNERDEAD)
            Remember(mutex);
        return Outcome(result, segment);
    }

    private static LockOutcome Outcome(int result, string segment) => result switch
    {
        0 => LockOutcome.Acquired,
        Libc.EOWNERDEAD => LockOutcome.AcquiredFromDeadOwner,
        Libc.EBUSY or Libc.ETIMEDOUT => LockOutcome.NotAcquired,
        Libc.ENOTRECOVERABLE => throw new ShmCorruptedException($"Segment '{segment}': its lock is unrecoverable (a holder died and the lock was released without repair); remove the segment."),
        // An initialised robust mutex answers nothing else: its bytes were overwritten (e.g. a garbage kind).
        _ => throw new ShmCorruptedException($"Segment '{segment}': its lock is corrupt (pthread_mutex_lock returned errno {result}, which a robust process-shared mutex never does); remove the segment."),
    };

    private static void Check(int result, string call)
    {
        if (result != 0)
            throw ThrowHelper.CreateIo(call, "mutex", result);
    }

    private static bool DetectGlibc()
    {
        try
        {
            return Libc.GnuGetLibcVersion() != 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }
}
