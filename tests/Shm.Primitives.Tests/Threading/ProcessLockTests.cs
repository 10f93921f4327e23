using System.Runtime.InteropServices;
using Shm.Primitives.Threading;

namespace Shm.Primitives.Tests.Threading;

public unsafe class ProcessLockTests
{
    [Fact]
    public void A_free_lock_is_taken_and_released()
    {
        ulong* word = (ulong*)NativeMemory.AllocZeroed(sizeof(ulong));
        try
        {
            Assert.Equal(LockOutcome.Acquired, ProcessLock.Lock(word));
            Assert.Equal(ProcessIdentity.CurrentOwner, *word);
            ProcessLock.Unlock(word);
            Assert.Equal(0UL, *word);
        }
        finally
        {
            NativeMemory.Free(word);
        }
    }

    [Fact]
    public void A_word_naming_a_process_that_is_gone_is_taken_over_and_reported()
    {
        ulong* word = (ulong*)NativeMemory.AllocZeroed(sizeof(ulong));
        try
        {
            // This pid with another start time: what a dead holder's word looks like once its pid is recycled.
            *word = ProcessIdentity.ToOwner(ProcessIdentity.CurrentProcessId, ProcessIdentity.CurrentStartTime + 1);
            Assert.Equal(LockOutcome.AcquiredFromDeadOwner, ProcessLock.Lock(word));
            Assert.Equal(ProcessIdentity.CurrentOwner, *word);
            ProcessLock.Unlock(word);

            *word = 0x4141_4141_4141_4141; // garbage another process wrote: it names no live process
            Assert.Equal(LockOutcome.AcquiredFromDeadOwner, ProcessLock.Lock(word));
            ProcessLock.Unlock(word);
        }
        finally
        {
            NativeMemory.Free(word);
        }
    }

    [Fact]
    public void Threads_of_one_process_exclude_each_other()
    {
        const int Threads = 4;
        int rounds = (int)TestSize.Get("SHM_PROCESS_LOCK_ROUNDS", 50_000);
        ulong* word = (ulong*)NativeMemory.AllocZeroed(2 * sizeof(ulong));
        long* counter = (long*)(word + 1);
        try
        {
            var workers = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
            {
                for (int i = 0; i < rounds; i++)
                {
                    Assert.Equal(LockOutcome.Acquired, ProcessLock.Lock(word));
                    long seen = Volatile.Read(ref *counter); // a read-modify-write that only the lock makes atomic
                    Thread.SpinWait(4);
                    Volatile.Write(ref *counter, seen + 1);
                    ProcessLock.Unlock(word);
                }
            })).ToList();
            workers.ForEach(t => t.Start());
            workers.ForEach(t => t.Join());
            Assert.Equal((long)Threads * rounds, *counter);
            Assert.Equal(0UL, *word);
        }
        finally
        {
            NativeMemory.Free(word);
        }
    }
}
