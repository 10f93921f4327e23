using System.Runtime.InteropServices;

namespace Shm.TestKit;

/// <summary>
/// Stops and continues a process (SIGSTOP, SIGCONT): alive, its segments and pidfd as they were, but running nothing.
/// <see cref="Pause"/> returns only once every thread is stopped: kill(2) returns before a thread running on another
/// CPU has taken the signal, and such a thread can still deliver a message or two.
/// </summary>
public static partial class ProcessPause
{
    private const int Stop = 19;
    private const int Continue = 18;
    private static readonly TimeSpan s_patience = TimeSpan.FromMinutes(1);

    /// <summary>Sends SIGSTOP and waits (polling /proc, up to a minute) until every thread of <paramref name="pid"/> is stopped.</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent, or the process did not stop in time.</exception>
    public static void Pause(int pid)
    {
        if (Kill(pid, Stop) != 0)
            throw new InvalidOperationException($"SIGSTOP to process {pid} failed (errno {Marshal.GetLastPInvokeError()}).");
        DateTime deadline = DateTime.UtcNow + s_patience;
        while (!AllThreadsStopped(pid))
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"Process {pid} did not stop within {s_patience.TotalSeconds} s of SIGSTOP.");
            Thread.Sleep(1);
        }
    }

    /// <summary>Sends SIGCONT.</summary>
    /// <exception cref="InvalidOperationException">The signal could not be sent.</exception>
    public static void Resume(int pid)
    {
        if (Kill(pid, Continue) != 0)
            throw new InvalidOperationException($"SIGCONT to process {pid} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    private static bool AllThreadsStopped(int pid)
    {
        foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread ended meanwhile
            }
            // The state is the field after the command name, which is in parentheses and may itself contain them.
            int state = stat.LastIndexOf(')') + 2;
            if (state >= stat.Length || stat[state] is not ('T' or 't'))
                return false;
        }
        return true;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
