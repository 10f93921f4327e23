namespace Shm.Chaos;

/// <summary>What a finished campaign must not leave behind: its segments in /dev/shm, memfds open in this process.</summary>
public static class LeakCheck
{
    /// <summary>Segment files this process's campaign created that still exist.</summary>
    public static IReadOnlyList<string> Segments() =>
        Directory.GetFiles("/dev/shm", $"shmchaos-{Environment.ProcessId}-*");

    /// <summary>memfd descriptors open in this process (the campaign creates none it does not close).</summary>
    public static IReadOnlyList<string> Memfds()
    {
        var found = new List<string>();
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try
            {
                string? target = new FileInfo(fd).LinkTarget;
                // The runtime's own W^X double mapping is a memfd too ("/memfd:doublemapper"): not a segment.
                if (target is not null && target.StartsWith("/memfd:", StringComparison.Ordinal) && !target.StartsWith("/memfd:doublemapper", StringComparison.Ordinal))
                    found.Add($"{fd} -> {target}");
            }
            catch (IOException)
            {
                // closed while listing
            }
        }
        return found;
    }
}
