using System.Diagnostics;

namespace Shm.Bench.Harness;

/// <summary>How a child of the bench serves: until its parent process is gone, or a lifetime has passed (a child orphaned by a failed run does not linger).</summary>
public static class ParentProcess
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(250);

    /// <summary>Returns once process <paramref name="parent"/> has exited or <paramref name="lifetime"/> has passed.</summary>
    public static void AwaitExit(int parent, TimeSpan lifetime)
    {
        long start = Stopwatch.GetTimestamp();
        while (Directory.Exists($"/proc/{parent}") && Stopwatch.GetElapsedTime(start) < lifetime)
            Thread.Sleep(s_poll);
    }
}
