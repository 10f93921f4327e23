using System.Runtime.InteropServices;
using Shm.Primitives.Threading;
using BQ = Shm.Primitives.ByteQueue.ShmByteQueueLayout;
using Q = Shm.Primitives.Queue.ShmQueueLayout;

namespace Shm.Primitives.Tests;

/// <summary>
/// Garbage another process wrote into a live segment, found by the chaos campaign's mutator (tests/Shm.Chaos): each
/// must end in ShmCorruptedException, never a hang, an undocumented exception or a crash.
/// </summary>
public unsafe class CorruptionHardeningTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static void Poke(string path, long offset, long value, int size)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
        file.Position = offset;
        file.Write(size == 8 ? BitConverter.GetBytes(value) : BitConverter.GetBytes((int)value));
    }

    private static void AssertCorruptedWithin(Action operation)
    {
        var run = Task.Run(() => Assert.Throws<ShmCorruptedException>(operation));
        Assert.True(run.Wait(Patience), "the operation hung on a corrupt segment");
        run.GetAwaiter().GetResult();
    }

    [Fact]
    public void A_tail_moved_back_under_slots_of_a_later_lap_is_reported_not_spun_on()
    {
        using var segment = new TestSegment("tailback");
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 4);
        for (long i = 0; i < 4; i++)
            Assert.True(queue.TryEnqueue(i));
        Assert.Equal(4, queue.Drain().Length); // every slot now reads "free for position i + 4"
        Poke(segment.Path, Q.TailPositionOffset, 0, 8);
        AssertCorruptedWithin(() => queue.TryEnqueue(9));
    }

    [Fact]
    public void A_head_moved_back_under_released_slots_is_reported_not_spun_on()
    {
        using var segment = new TestSegment("headback");
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 4);
        for (long i = 0; i < 4; i++)
            Assert.True(queue.TryEnqueue(i));
        Assert.Equal(4, queue.Drain().Length);
        Assert.True(queue.TryEnqueue(7)); // position 4 committed: sequence 5, ahead of position 0
        Poke(segment.Path, Q.HeadPositionOffset, 0, 8);
        AssertCorruptedWithin(() => queue.TryDequeue(out _));
    }

    [Fact]
    public void A_lock_with_a_garbage_kind_reports_corruption_not_an_io_error()
    {
        using var segment = new TestSegment("lockkind");
        using var queue = ShmByteQueue.CreateNew(segment.Name, 16);
        Poke(segment.Path, BQ.MutexOffset + 16, 0x7F7F, 4); // pthread_mutex_t.__kind
        AssertCorruptedWithin(() => queue.TryEnqueue("x"u8));
    }

    [Fact]
    public void A_lock_word_naming_a_thread_that_does_not_exist_is_reported_not_waited_on_forever()
    {
        using var segment = new TestSegment("lockword");
        using var queue = ShmByteQueue.CreateNew(segment.Name, 16);
        Poke(segment.Path, BQ.MutexOffset, 0x3FFFFFF0, 4); // a thread id above any pid_max, no owner-died mark
        AssertCorruptedWithin(() => queue.TryEnqueue("x"u8)); // waits for the lock "as long as it takes"
    }

    [Fact]
    public void A_lock_turned_into_a_plain_held_mutex_is_reported_not_waited_on_forever()
    {
        using var segment = new TestSegment("lockplain");
        using var queue = ShmByteQueue.CreateNew(segment.Name, 16);
        // Kind 0 (a plain mutex) and word 2 ("held, with waiters" for a plain mutex; as a robust owner, thread 2 is
        // kthreadd, which exists): glibc would wait on the word for a release that never comes.
        Poke(segment.Path, BQ.MutexOffset + 16, 0, 4);
        Poke(segment.Path, BQ.MutexOffset, 2, 4);
        AssertCorruptedWithin(() => queue.TryEnqueue("x"u8));
    }

    [Fact]
    public void Garbage_list_pointers_written_into_a_held_lock_do_not_crash_its_unlock()
    {
        void* mutex = NativeMemory.AllocZeroed(RobustMutex.Size);
        try
        {
            RobustMutex.Initialize(mutex);
            Assert.Equal(LockOutcome.Acquired, RobustMutex.Lock(mutex, "test"));
            // Another process scribbles over the robust-list links glibc follows when it unlinks the mutex on unlock.
            *(long*)((byte*)mutex + 24) = 0x4141414141;
            *(long*)((byte*)mutex + 32) = 0x4242424242;
            RobustMutex.Unlock(mutex); // without the restore, glibc writes through 0x4141414141: SIGSEGV
            Assert.Equal(LockOutcome.Acquired, RobustMutex.TryLock(mutex, "test"));
            RobustMutex.Unlock(mutex);
        }
        finally
        {
            NativeMemory.Free(mutex);
        }
    }
}
