using System.Diagnostics;
using System.Runtime.InteropServices;
using Shm.Primitives.Interop;

namespace Shm.Primitives.Threading;

/// <summary>
/// futex(2) on 32-bit words in shared mappings (no FUTEX_PRIVATE_FLAG: the kernel keys the wait by the page
/// and offset, so waiters in different processes meet), and futex_waitv(2) for waiting on many words at once.
/// </summary>
internal static unsafe class Futex
{
    private const int FutexWait = 0;
    private const int FutexWake = 1;
    private const int FutexPrivateFlag = 128;
    private const uint FutexSize32 = 2;      // FUTEX2_SIZE_U32 for futex_waitv
    private const uint FutexV2Private = 128; // FUTEX2_PRIVATE
    private const int ClockMonotonic = 1;

    /// <summary>Largest number of words one futex_waitv call accepts.</summary>
    public const int MaxWaitv = 128;

    /// <summary>
    /// Sleeps while <c>*word == expected</c>, at most <paramref name="timeout"/> (infinite if negative).
    /// Returns when woken, when the value differs, on timeout or on a signal; callers re-check their condition.
    /// </summary>
    public static void Wait(uint* word, uint expected, TimeSpan timeout, bool processPrivate = false)
    {
        Timespec relative;
        Timespec* timeoutPointer = null;
        if (timeout >= TimeSpan.Zero)
        {
            relative = Timespec.FromTicks(timeout.Ticks);
            timeoutPointer = &relative;
        }
        int operation = FutexWait | (processPrivate ? FutexPrivateFlag : 0);
        // Result ignored on purpose: EAGAIN (value changed), EINTR (signal) and ETIMEDOUT all mean "re-check".
        Libc.Syscall(OpenFlags.FutexSyscall, (nint)word, operation, (nint)expected, (nint)timeoutPointer, 0, 0);
    }

    /// <summary>Wakes up to <paramref name="count"/> sleepers on the word; returns how many were woken.</summary>
    public static int Wake(uint* word, int count, bool processPrivate = false)
    {
        int operation = FutexWake | (processPrivate ? FutexPrivateFlag : 0);
        long woken = Libc.Syscall(OpenFlags.FutexSyscall, (nint)word, operation, count, 0, 0, 0);
        return woken < 0 ? 0 : (int)woken;
    }

    /// <summary>
    /// futex_waitv: sleeps until any word differs from its expected value or is woken, or until the absolute
    /// CLOCK_MONOTONIC deadline. Returns the index woken, or -1 (timeout, mismatch, signal).
    /// </summary>
    public static int WaitMany(WaitvEntry* entries, int count, long deadlineTicks)
    {
        Debug.Assert(count is > 0 and <= MaxWaitv);
        Timespec deadline = Timespec.FromTicks(deadlineTicks);
        long result = Libc.Syscall(OpenFlags.FutexWaitvSyscall, (nint)entries, count, 0, (nint)(&deadline), ClockMonotonic, 0);
        return result < 0 ? -1 : (int)result;
    }

    /// <summary>CLOCK_MONOTONIC now, in 100 ns ticks (the clock futex_waitv deadlines use).</summary>
    public static long MonotonicNowTicks()
    {
        Timespec now;
        Libc.ClockGetTime(ClockMonotonic, &now);
        return now.Seconds * TimeSpan.TicksPerSecond + now.Nanoseconds / 100;
    }

    public static WaitvEntry Entry(uint* word, uint expected, bool processPrivate) => new()
    {
        Value = expected,
        Address = (ulong)word,
        Flags = FutexSize32 | (processPrivate ? FutexV2Private : 0),
    };

    [StructLayout(LayoutKind.Sequential)]
    internal struct Timespec
    {
        public long Seconds;
        public long Nanoseconds;

        public static Timespec FromTicks(long ticks) => new()
        {
            Seconds = ticks / TimeSpan.TicksPerSecond,
            Nanoseconds = ticks % TimeSpan.TicksPerSecond * 100,
        };
    }

    /// <summary>struct futex_waitv.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct WaitvEntry
    {
        public ulong Value;
        public ulong Address;
        public uint Flags;
        public uint Reserved;
    }
}
