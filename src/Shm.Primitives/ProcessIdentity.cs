using System.Globalization;

namespace Shm.Primitives;

/// <summary>
/// Who a process is, in a form that survives PID reuse: the pid together with the kernel's start time of that
/// pid (field 22 of /proc/&lt;pid&gt;/stat, in clock ticks since boot). A recycled pid has a later start time.
/// </summary>
internal static class ProcessIdentity
{
    private const int PidBits = 22; // pid_max is at most 2^22 on Linux
    private const ulong PidMask = (1UL << PidBits) - 1;

    /// <summary>This process's pid, read once (getpid is a syscall; hot paths must not make one).</summary>
    public static readonly int CurrentProcessId = Environment.ProcessId;

    /// <summary>This process's start time in clock ticks since boot.</summary>
    public static readonly ulong CurrentStartTime = ReadStartTime(CurrentProcessId) ?? 0;

    /// <summary>(start time &lt;&lt; 22) | pid: never 0, unique for the machine's uptime.</summary>
    public static readonly ulong CurrentOwner = ToOwner(CurrentProcessId, CurrentStartTime);

    public static ulong ToOwner(int pid, ulong startTime) => (startTime << PidBits) | (uint)pid;

    public static int PidOf(ulong owner) => (int)(owner & PidMask);

    public static ulong StartTimeOf(ulong owner) => owner >> PidBits;

    /// <summary>
    /// Whether the process an owner word names is still running. A zombie (killed, not yet reaped) is dead; a
    /// stopped process (SIGSTOP) is alive. The pid being in use by a different process (start time differs) is dead.
    /// </summary>
    public static bool IsAlive(ulong owner)
    {
        int pid = PidOf(owner);
        if (pid == CurrentProcessId)
            return StartTimeOf(owner) == CurrentStartTime;
        if (!TryReadStat(pid, out char state, out ulong startTime))
            return false;
        if (state is 'Z' or 'X' or 'x')
            return false;
        return startTime == StartTimeOf(owner);
    }

    /// <summary>The scheduler state letter of a process ('R', 'S', 'T' stopped, 'Z' zombie...), or null if it is gone.</summary>
    public static char? StateOf(int pid) => TryReadStat(pid, out char state, out _) ? state : null;

    public static ulong? ReadStartTime(int pid) => TryReadStat(pid, out _, out ulong start) ? start : null;

    private static bool TryReadStat(int pid, out char state, out ulong startTime)
    {
        state = '?';
        startTime = 0;
        string text;
        try
        {
            text = File.ReadAllText("/proc/" + pid.ToString(CultureInfo.InvariantCulture) + "/stat");
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }

        // "pid (comm) S ppid ..." - comm may hold spaces and parentheses, so parse after the last ')'.
        int close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
            return false;
        string[] fields = text[(close + 2)..].Split(' ');
        // fields[0] is field 3 (state); field 22 (starttime) is fields[19].
        if (fields.Length < 20 || fields[0].Length != 1)
            return false;
        state = fields[0][0];
        return ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out startTime);
    }
}
