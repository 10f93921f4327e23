using System.Text;

namespace Shm.Primitives.Tests.Segments;

/// <summary>
/// Another process truncating a file-backed segment under its users: the guard in every process puts the size
/// back, and each user's next operation throws ShmCorruptedException saying so (instead of dying of SIGBUS).
/// </summary>
public class TruncationTests
{
    [Fact]
    public void A_queue_truncated_to_nothing_gets_its_size_back_and_every_user_is_told()
    {
        using var segment = new TestSegment("trunc-queue");
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 64);
        using var other = ShmQueue<long>.OpenExisting(segment.Name);
        queue.Enqueue(1, TimeSpan.Zero);
        long mapped = queue.MappedBytes;
        Exception? sleeperError = null;
        var sleeper = new Thread(() => sleeperError = Record.Exception(() => other.Dequeue(TimeSpan.FromMinutes(2))));
        other.TryDequeue(out _); // empty the queue so the sleeper sleeps
        sleeper.Start();
        // Truncate only once it sleeps: a thread touching the segment at that instant faults (the documented window).
        TestWait.Until(() => queue.GetStats() is { SleepingConsumers: > 0, Sleeps: > 0 }, "the consumer never went to sleep");

        Truncate(segment.Path, 0);

        TestWait.Until(() => new FileInfo(segment.Path).Length == mapped, "the guard did not put the size back");
        Assert.True(sleeper.Join(TimeSpan.FromMinutes(1)), "the sleeping consumer was not woken");
        var woken = Assert.IsType<ShmCorruptedException>(sleeperError);
        Assert.Contains("truncated", woken.Message);
        var producer = Assert.Throws<ShmCorruptedException>(() => queue.TryEnqueue(2));
        Assert.Contains(segment.Path, producer.Message);
        Assert.Throws<ShmCorruptedException>(() => queue.Count);
        var reopen = Assert.Throws<ShmCorruptedException>(() => ShmQueue<long>.OpenExisting(segment.Name));
        Assert.Contains("truncated", reopen.Message);
    }

    [Fact]
    public void A_byte_queue_cut_after_its_header_page_tells_a_consumer_in_another_process()
    {
        using var segment = new TestSegment("trunc-bq");
        using var queue = ShmByteQueue.CreateNew(segment.Name, 1 << 16);
        using var child = Worker.Start("bq-await-truncation", segment.Name);
        Assert.Equal("ready", child.ReadLine());
        TestWait.Until(() => queue.GetStats() is { SleepingConsumers: > 0, Sleeps: > 0 }, "the child never went to sleep");

        Truncate(segment.Path, Environment.SystemPageSize);

        string line = child.ReadLine();
        Assert.StartsWith("corrupted ", line);
        Assert.Contains("truncated", line);
        child.WaitForSuccess();
        Assert.Equal(queue.MappedBytes, new FileInfo(segment.Path).Length);
        Assert.Throws<ShmCorruptedException>(() => queue.TryEnqueue(Encoding.UTF8.GetBytes("after")));
    }

    [Fact]
    public void Growing_the_file_or_rewriting_its_size_loses_nothing()
    {
        using var segment = new TestSegment("trunc-same");
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 64);
        queue.Enqueue(7, TimeSpan.Zero);

        Truncate(segment.Path, queue.MappedBytes); // same size: an inotify event with nothing lost
        Truncate(segment.Path, queue.MappedBytes + 4096);
        Truncate(segment.Path, queue.MappedBytes);
        // The guard reads one inotify stream in order: once it has flagged a canary truncated after those three
        // events, it has judged them too.
        using var canarySegment = new TestSegment("trunc-canary");
        using var canary = ShmQueue<long>.CreateNew(canarySegment.Name, 8);
        Truncate(canarySegment.Path, 0);
        // Not a touch of the canary before its size is back: a thread touching a truncated mapping faults (the
        // documented window; CI once hit it here, the first TryEnqueue reaching the participant table first).
        TestWait.Until(() => new FileInfo(canarySegment.Path).Length == canary.MappedBytes, "the guard did not put the canary's size back");
        TestWait.Until(() => Record.Exception(() => canary.TryEnqueue(1)) is ShmCorruptedException, "the canary was never flagged");

        Assert.Equal(7, queue.Dequeue(TimeSpan.FromSeconds(30)));
        Assert.True(queue.TryEnqueue(8));
    }

    [Fact]
    public void A_segment_opened_without_the_guard_keeps_no_descriptor()
    {
        using var segment = new TestSegment("trunc-off");
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 64);
        int Descriptors() => Directory.GetFiles("/proc/self/fd").Count(fd => new FileInfo(fd).LinkTarget == segment.Path);
        int before = Descriptors();
        using (ShmQueue<long>.OpenExisting(segment.Name, SegmentOptions.Default with { GuardAgainstTruncation = false }))
            Assert.Equal(before, Descriptors());
        using (ShmQueue<long>.OpenExisting(segment.Name))
            Assert.Equal(before + 1, Descriptors());
        Assert.Equal(before, Descriptors());
    }

    /// <summary>truncate(2) by path, as a stray process would (a FileStream would also take .NET's advisory flock).</summary>
    private static void Truncate(string path, long length) =>
        Assert.Equal(0, Shm.Primitives.Interop.Libc.Truncate(path, length));
}
