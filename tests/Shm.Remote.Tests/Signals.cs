using System.Runtime.InteropServices;

namespace Shm.Remote.Tests;

/// <summary>Stops and continues a child process (SIGSTOP, SIGCONT): alive, but reading nothing meanwhile.</summary>
internal static partial class Signals
{
    public const int Stop = 19;
    public const int Continue = 18;

    /// <summary>kill(2); 0 on success.</summary>
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Send(int pid, int signal);
}
