using Shm.Primitives.Interop;

namespace Shm.Primitives.Threading;

/// <summary>
/// The sleeper handshake's fences, made asymmetric so the per-message side pays nothing. A waker (after every
/// commit) needs a full fence between its commit store and its read of the sleeper count; a sleeper needs one
/// between registering and re-checking. With membarrier(2) GLOBAL_EXPEDITED the sleeper, which is about to
/// make system calls anyway, forces a full fence on every running thread of every registered process, so the
/// wakers' side shrinks to a compiler barrier (their volatile store and volatile load are never reordered by
/// the JIT, and the hardware's store buffer is what membarrier drains).
/// </summary>
/// <remarks>
/// Every process that maps a Shm segment registers (<see cref="EnsureRegistered"/>) before its first commit.
/// If this kernel or a seccomp policy refuses membarrier, <see cref="Light"/> becomes a real full fence here,
/// and this process's sleepers, which cannot force fences on other processes, sleep in short slices
/// (<see cref="IsAsymmetric"/> false) so a wake-up lost to another process's unfenced commit costs at most a slice.
/// </remarks>
internal static class AsymmetricFence
{
    private const int CommandGlobalExpedited = 1 << 1;
    private const int CommandRegisterGlobalExpedited = 1 << 2;

    private static readonly long s_membarrierSyscall =
        System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.Arm64 ? 283 : 324;

    private static readonly bool s_asymmetric = Register();

    /// <summary>Whether the heavy side really fences other processes (membarrier registered and usable).</summary>
    public static bool IsAsymmetric => s_asymmetric;

    /// <summary>Runs the registration (static constructor) before this process first commits into a segment.</summary>
    public static void EnsureRegistered() => _ = s_asymmetric;

    /// <summary>The waker's side, after a commit and before reading the sleeper count.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static void Light()
    {
        if (!s_asymmetric)
            Interlocked.MemoryBarrier();
    }

    /// <summary>The sleeper's side, after registering and before re-checking. A system call (with IPIs).</summary>
    public static void Heavy()
    {
        Interlocked.MemoryBarrier();
        if (s_asymmetric)
            Libc.Syscall(s_membarrierSyscall, CommandGlobalExpedited, 0, 0, 0, 0, 0);
    }

    private static bool Register()
    {
        if (Environment.GetEnvironmentVariable("SHM_SYMMETRIC_FENCES") == "1")
            return false;
        if (Libc.Syscall(s_membarrierSyscall, CommandRegisterGlobalExpedited, 0, 0, 0, 0, 0) != 0)
            return false;
        // Registration can succeed where the command is filtered; prove the command works before relying on it.
        return Libc.Syscall(s_membarrierSyscall, CommandGlobalExpedited, 0, 0, 0, 0, 0) == 0;
    }
}
