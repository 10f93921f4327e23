using System.Globalization;

namespace Shm.Primitives.Inspection;

/// <summary>What an inspector can tell about a robust mutex from its words, without locking it.</summary>
internal enum MutexState
{
    /// <summary>Nobody holds it.</summary>
    Free,

    /// <summary>A thread holds it (see <see cref="MutexOwner.ThreadId"/>).</summary>
    Held,

    /// <summary>Its holder died; the next locker is told (EOWNERDEAD) and repairs the protected state.</summary>
    OwnerDied,

    /// <summary>A holder died and the lock was released without repair: it can never be taken again; remove the segment.</summary>
    NotRecoverable,
}

/// <summary>A lock's state (a robust mutex's or a <see cref="Threading.ProcessLock"/>'s) and, when held, its holder.</summary>
/// <param name="State">Free, held, owner died or not recoverable.</param>
/// <param name="ThreadId">The holding thread (the kernel's TID), or 0 (always for a process lock: it names a process).</param>
/// <param name="ProcessId">The process of that thread, or 0 when it cannot be found (the thread is gone).</param>
internal readonly record struct MutexOwner(MutexState State, int ThreadId, int ProcessId)
{
    // glibc's pthread_mutex_t (x86-64 and arm64) begins { int __lock; unsigned __count; int __owner; ... }. For a robust
    // mutex __lock holds the owner's TID plus two flag bits the kernel maintains (linux/futex.h), and __owner holds
    // glibc's own marks once the lock has been found abandoned.
    private const int LockWordOffset = 0;
    private const int OwnerWordOffset = 2 * sizeof(int);
    private const uint FutexOwnerDied = 0x4000_0000;
    private const uint FutexThreadIdMask = 0x3FFF_FFFF;
    private const int GlibcNotRecoverable = 0x7FFF_FFFE;

    /// <summary>Reads the mutex at <paramref name="mutex"/> (inside a validated mapping) without locking it.</summary>
    public static unsafe MutexOwner Read(byte* mutex)
    {
        uint lockWord = Volatile.Read(ref *(uint*)(mutex + LockWordOffset));
        int ownerWord = Volatile.Read(ref *(int*)(mutex + OwnerWordOffset));
        int threadId = (int)(lockWord & FutexThreadIdMask);
        if (ownerWord == GlibcNotRecoverable)
            return new MutexOwner(MutexState.NotRecoverable, 0, 0);
        if ((lockWord & FutexOwnerDied) != 0 && threadId == 0)
            return new MutexOwner(MutexState.OwnerDied, 0, 0);
        if (threadId == 0)
            return new MutexOwner(MutexState.Free, 0, 0);
        return new MutexOwner(MutexState.Held, threadId, ProcessOfThread(threadId));
    }

    /// <summary>
    /// Reads a <see cref="Threading.ProcessLock"/> word (inside a validated mapping): free, held by a live process (no
    /// thread: the word names a process), or held by one that is gone (the next publisher takes it over).
    /// </summary>
    public static unsafe MutexOwner ReadProcessLock(ulong* word)
    {
        ulong holder = Volatile.Read(ref *word);
        if (holder == 0)
            return new MutexOwner(MutexState.Free, 0, 0);
        return ProcessIdentity.IsAlive(holder)
            ? new MutexOwner(MutexState.Held, 0, ProcessIdentity.PidOf(holder))
            : new MutexOwner(MutexState.OwnerDied, 0, 0);
    }

    /// <summary>The thread group (process) of a thread: /proc/&lt;tid&gt;/status lists it as "Tgid"; 0 if the thread is gone.</summary>
    private static int ProcessOfThread(int threadId)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/" + threadId.ToString(CultureInfo.InvariantCulture) + "/status"))
            {
                if (line.StartsWith("Tgid:", StringComparison.Ordinal)
                    && int.TryParse(line.AsSpan(5).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                    return pid;
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
        return 0;
    }
}
