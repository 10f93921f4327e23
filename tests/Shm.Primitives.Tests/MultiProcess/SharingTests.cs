using System.Globalization;

namespace Shm.Primitives.Tests.MultiProcess;

public class SharingTests
{
    [Fact]
    public void A_memfd_queue_is_inherited_by_a_child_and_reachable_through_proc()
    {
        using var queue = ShmQueue<long>.CreateMemfd("shared-jobs", 8);
        Assert.True(queue.MemfdDescriptor >= 0);
        Assert.Null(queue.Path);
        queue.TryEnqueue(41);
        queue.TryEnqueue(42);

        using (Worker child = Worker.Start("open-fd", queue.MemfdDescriptor.ToString(CultureInfo.InvariantCulture)))
        {
            Assert.Equal("41", child.ReadLine());
            child.WaitForSuccess();
        }
        string procPath = $"/proc/{Environment.ProcessId}/fd/{queue.MemfdDescriptor}";
        using (Worker other = Worker.Start("open-path", procPath))
        {
            Assert.Equal("42", other.ReadLine());
            other.WaitForSuccess();
        }
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public void A_memfd_is_sealed_against_resizing()
    {
        using var queue = ShmQueue<long>.CreateMemfd("sealed", 8);
        Assert.NotEqual(0, Interop.Libc.FTruncate(queue.MemfdDescriptor, 4096));
        Assert.NotEqual(0, Interop.Libc.FTruncate(queue.MemfdDescriptor, queue.MappedBytes * 2));
        using var again = ShmQueue<long>.OpenDescriptor(queue.MemfdDescriptor);
        again.Dispose();
        Assert.True(queue.TryEnqueue(1)); // the caller's descriptor was not closed by the second instance
        using var third = ShmQueue<long>.OpenDescriptor(queue.MemfdDescriptor);
        Assert.Equal(1, third.Count);
    }

    [Fact]
    public void Eight_processes_racing_to_create_one_segment_agree_on_it()
    {
        using var segment = new TestSegment();
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1500;
        var workers = Enumerable.Range(0, 8)
            .Select(_ => Worker.Start("create-race", segment.Name, "64", start.ToString(CultureInfo.InvariantCulture)))
            .ToList();
        try
        {
            foreach (Worker w in workers)
            {
                Assert.Equal("64", w.ReadLine());
                w.WaitForSuccess();
            }
            using var queue = ShmQueue<long>.OpenExisting(segment.Name);
            long[] pids = queue.Drain();
            Assert.Equal(workers.Select(w => (long)w.Pid).Order(), pids.Order());
        }
        finally
        {
            workers.ForEach(w => w.Dispose());
        }
    }
}
