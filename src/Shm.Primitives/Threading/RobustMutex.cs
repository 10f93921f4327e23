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

    private const int SpinTries = 6;
    private const int ProcessShared = 1;
    private const int Robust = 1;
    private const int ClockMonotonic = 1;

    private static readonly bool s_isGlibc = DetectGlibc();

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
    public static LockOutcome Lock(void* mutex, string segment) =>
        TrySpinning(mutex, segment, out LockOutcome outcome) ? outcome : Outcome(Libc.PthreadMutexLock(mutex), segment);

    /// <summary>A few trylocks with short spins; true with the outcome unless the mutex stayed busy throughout.</summary>
    private static bool TrySpinning(void* mutex, string segment, out LockOutcome outcome)
    {
        for (int i = 0; i < SpinTries; i++)
        {
            int result = Libc.PthreadMutexTrylock(mutex);
            if (result != Libc.EBUSY)
            {
                outcome = Outcome(result, segment);
                return true;
            }
            Thread.SpinWait(8 << i);
        }
        outcome = LockOutcome.NotAcquired;
        return false;
    }

    /// <summary>Takes the mutex if it is free, without waiting.</summary>
    public static LockOutcome TryLock(void* mutex, string segment) => Outcome(Libc.PthreadMutexTrylock(mutex), segment);

    /// <summary>Takes the mutex, waiting until an absolute CLOCK_MONOTONIC deadline (100 ns ticks).</summary>
    public static LockOutcome LockUntil(void* mutex, long deadlineTicks, string segment)
    {
        if (TrySpinning(mutex, segment, out LockOutcome spun))
            return spun;
        Futex.Timespec deadline = Futex.Timespec.FromTicks(deadlineTicks);
        int result;
        do
        {
            result = Libc.PthreadMutexClocklock(mutex, ClockMonotonic, &deadline);
        }
        while (result == Libc.EINTR);
        return Outcome(result, segment);
    }

    /// <summary>After repairing what a dead holder left: the mutex is usable again once unlocked.</summary>
    public static void MarkConsistent(void* mutex) => Check(Libc.PthreadMutexConsistent(mutex), "pthread_mutex_consistent");

    public static void Unlock(void* mutex) => Libc.PthreadMutexUnlock(mutex);

    private static LockOutcome Outcome(int result, string segment) => result switch
    {
        0 => LockOutcome.Acquired,
        Libc.EOWNERDEAD => LockOutcome.AcquiredFromDeadOwner,
        Libc.EBUSY or Libc.ETIMEDOUT => LockOutcome.NotAcquired,
        Libc.ENOTRECOVERABLE => throw new ShmCorruptedException($"Segment '{segment}': its lock is unrecoverable (a holder died and the lock was released without repair); remove the segment."),
        _ => throw ThrowHelper.CreateIo("pthread_mutex_lock", segment, result),
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
