using System.Runtime.InteropServices;

namespace Shm.Primitives.Interop;

/// <summary>
/// open(2) flags and syscall numbers for the running architecture. The generic Linux ABI (arm64) numbers
/// O_NOFOLLOW and the syscalls differently from x86-64; everything else Shm uses is shared.
/// </summary>
internal static class OpenFlags
{
    public const int ReadWrite = 2;
    public const int Create = 0x40;
    public const int Exclusive = 0x80;
    public const int CloseOnExec = 0x80000;

    public static readonly int NoFollow = IsArm64 ? 0x8000 : 0x20000;

    public static readonly long FutexSyscall = IsArm64 ? 98 : 202;
    public static readonly long PidFdOpenSyscall = 434; // same number on both
    public static readonly long FutexWaitvSyscall = 449; // same number on both (added after the tables were unified)
    public static readonly long GetTidSyscall = IsArm64 ? 178 : 186;
    public static readonly long TgKillSyscall = IsArm64 ? 131 : 234;

    private static bool IsArm64 => RuntimeInformation.ProcessArchitecture == Architecture.Arm64;

    /// <summary>Throws when the architecture is one whose constants Shm has not been checked against.</summary>
    public static void EnsureSupportedPlatform()
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("Shm shared-memory primitives run on Linux only.");
        Architecture arch = RuntimeInformation.ProcessArchitecture;
        if (arch is not (Architecture.X64 or Architecture.Arm64))
            throw new PlatformNotSupportedException($"Shm supports x86-64 and arm64 Linux; this process is {arch}.");
    }
}
