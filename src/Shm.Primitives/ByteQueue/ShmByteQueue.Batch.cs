using Shm.Primitives.ByteQueue;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Participants;

namespace Shm.Primitives;

// Batches: many messages under one lock hold and one journal commit, so a batch is all-or-nothing under a crash.
public sealed unsafe partial class ShmByteQueue
{
    /// <summary>Adds messages at the back, in order, as many as fit, under one lock hold. Never waits for room.</summary>
    /// <returns>How many were added (a prefix of <paramref name="messages"/>).</returns>
    /// <exception cref="ArgumentException">A message is longer than <see cref="MaxMessageLength"/> (nothing is added).</exception>
    public int EnqueueMany(ReadOnlySpan<ReadOnlyMemory<byte>> messages) => EnqueueMany(messages, WaitForLock);

    /// <summary>
    /// Takes the oldest messages while they fit: each is copied into <paramref name="buffer"/> after the previous
    /// one and its length stored in <paramref name="lengths"/>. One lock hold. Never waits.
    /// </summary>
    /// <returns>How many were taken: 0 if the queue is empty or its oldest message is longer than the buffer
    /// (see <see cref="TryPeekLength"/>).</returns>
    public int DequeueMany(Span<byte> buffer, Span<int> lengths) => DequeueMany(buffer, lengths, WaitForLock);

    /// <summary>Takes up to <paramref name="maxCount"/> of the oldest messages as arrays, under one lock hold.</summary>
    public IReadOnlyList<byte[]> DequeueMany(int maxCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        var taken = new List<byte[]>();
        ThreadParticipant me = _participants.Current;
        EnterLock(WaitForLock);
        try
        {
            QueueState state = ReadStateLocked();
            while (taken.Count < maxCount && state.Count > 0)
            {
                ReadDescriptorLocked(state.Head, state, out long offset, out int length, out long reserved);
                taken.Add(new ReadOnlySpan<byte>(_arena + offset, length).ToArray());
                state = AfterTake(state, reserved, back: false);
            }
            if (taken.Count > 0)
            {
                CommitLocked(state, Operation.PopMany);
            }
        }
        finally
        {
            ExitLock();
        }
        Counted(me, ByteQueueCounter.Dequeued, taken.Count, wakeConsumers: false);
        return taken;
    }

    private int EnqueueMany(ReadOnlySpan<ReadOnlyMemory<byte>> messages, long lockDeadline)
    {
        foreach (ReadOnlyMemory<byte> message in messages)
            ThrowIfTooLong(message.Length);
        if (messages.IsEmpty)
            return 0;
        ThreadParticipant me = _participants.Current;
        if (!EnterLock(lockDeadline))
            return 0;
        int pushed = 0;
        try
        {
            QueueState state = ReadStateLocked();
            while (pushed < messages.Length && state.Count < _capacity)
            {
                ReadOnlySpan<byte> message = messages[pushed].Span;
                if (!TryPlace(ref state, message.Length, front: false, out long offset, out long reserved))
                    break;
                message.CopyTo(new Span<byte>(_arena + offset, message.Length));
                WriteDescriptorLocked(state.Tail - 1, offset, message.Length, reserved);
                pushed++;
            }
            if (pushed > 0)
                CommitLocked(state, Operation.PushMany);
            else
            {
                me.Counter(ByteQueueCounter.Full)++;
            }
        }
        finally
        {
            ExitLock();
        }
        Counted(me, ByteQueueCounter.Enqueued, pushed, wakeConsumers: true);
        return pushed;
    }

    private int DequeueMany(Span<byte> buffer, Span<int> lengths, long lockDeadline)
    {
        ThreadParticipant me = _participants.Current;
        if (lengths.IsEmpty)
            return 0;
        PrefetchFront();
        if (!EnterLock(lockDeadline))
            return 0;
        int taken = 0;
        try
        {
            QueueState state = ReadStateLocked();
            int used = 0;
            while (taken < lengths.Length && state.Count > 0)
            {
                ReadDescriptorLocked(state.Head, state, out long offset, out int length, out long reserved);
                if (length > buffer.Length - used)
                    break;
                new ReadOnlySpan<byte>(_arena + offset, length).CopyTo(buffer[used..]);
                used += length;
                lengths[taken++] = length;
                state = AfterTake(state, reserved, back: false);
            }
            if (taken > 0)
            {
                CommitLocked(state, Operation.PopMany);
            }
            else if (state.Count == 0)
            {
                me.Counter(ByteQueueCounter.Empty)++;
            }
        }
        finally
        {
            ExitLock();
        }
        Counted(me, ByteQueueCounter.Dequeued, taken, wakeConsumers: false);
        return taken;
    }

    private void Counted(ThreadParticipant me, int counter, int count, bool wakeConsumers)
    {
        if (count == 0)
            return;
        me.Counter(counter) += count;
        _sleepers.WakeAfterChange(wakeConsumers, count);
    }
}
