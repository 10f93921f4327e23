namespace Shm.Primitives.Tests;

/// <summary>A unique segment name for one test, unlinked when disposed.</summary>
public sealed class TestSegment : IDisposable
{
    private static int s_counter;

    public TestSegment(string purpose = "t")
    {
        Name = $"shmtest-{Environment.ProcessId}-{Interlocked.Increment(ref s_counter)}-{purpose}";
        Path = System.IO.Path.Combine("/dev/shm", Name);
    }

    public string Name { get; }

    public string Path { get; }

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
        }
    }
}
