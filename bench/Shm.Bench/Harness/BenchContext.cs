namespace Shm.Bench.Harness;

/// <summary>Run-wide settings handed to every suite.</summary>
public sealed class BenchContext
{
    public BenchContext(bool quick) => Quick = quick;

    /// <summary>Short runs (CI smoke, <c>--quick</c>): fewer items and repetitions, same shape.</summary>
    public bool Quick { get; }

    /// <summary>Picks the full or the quick size of a measurement.</summary>
    public long Size(long full, long quick) => Quick ? quick : full;

    /// <summary>Writes progress to stderr so stdout stays the table.</summary>
    public void Log(string message) => Console.Error.WriteLine(message);

    /// <summary>A directory for the run's segments (tmpfs), unique per run.</summary>
    public string SegmentPrefix { get; } = $"shmbench-{Environment.ProcessId}-";
}
