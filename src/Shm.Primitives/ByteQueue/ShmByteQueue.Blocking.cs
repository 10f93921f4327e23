using System.Buffers;
using Shm.Primitives.Threading;

namespace Shm.Primitives;

// Blocking forms: one try, then SleepCoordinator.Wait. The lock itself is taken with the caller's deadline, so a
// stopped lock holder makes a timed call time out instead of hanging.
public sealed unsafe partial class ShmByteQueue
{
    /// <summary>
    /// Adds a message at the back, waiting up to <paramref name="timeout"/> for room (<see cref="TimeSpan.Zero"/>:
    /// one try; <see cref="Timeout.InfiniteTimeSpan"/>: forever). Signals do not end the wait early.
    /// </summary>
    /// <returns>False if there was no room for the whole timeout.</returns>
    /// <exception cref="ArgumentException">The message is longer than <see cref="MaxMessageLength"/>.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled while waiting.</exception>
    public bool TryEnqueue(ReadOnlySpan<byte> message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        EnqueueWaiting(message, front: false, timeout, cancellationToken);

    /// <summary>As <see cref="TryEnqueue(ReadOnlySpan{byte}, TimeSpan, CancellationToken)"/>, but throws <see cref="TimeoutException"/>.</summary>
    public void Enqueue(ReadOnlySpan<byte> message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        if (!EnqueueWaiting(message, front: false, timeout, cancellationToken))
            throw new TimeoutException($"ShmByteQueue '{Name}' had no room for {message.Length} bytes for {timeout}.");
    }

    /// <summary>Adds a string (UTF-8) at the back, waiting up to <paramref name="timeout"/>; throws <see cref="TimeoutException"/>.</summary>
    public void Enqueue(string message, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ReadOnlySpan<byte> bytes = EncodeUtf8(message, stackalloc byte[Utf8ScratchBytes], out byte[]? rented);
        try
        {
            Enqueue(bytes, timeout, cancellationToken);
        }
        finally
        {
            ReturnRented(rented);
        }
    }

    /// <summary>Puts a message at the front, waiting up to <paramref name="timeout"/> for room.</summary>
    /// <returns>False if there was no room for the whole timeout.</returns>
    public bool TryEnqueueFront(ReadOnlySpan<byte> message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        EnqueueWaiting(message, front: true, timeout, cancellationToken);

    /// <summary>Takes the oldest message, waiting up to <paramref name="timeout"/> for one.</summary>
    /// <returns>False if the queue stayed empty for the whole timeout.</returns>
    public bool TryDequeue(out byte[] message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        TakeWaiting(back: false, timeout, cancellationToken, out message);

    /// <summary>Takes the newest message, waiting up to <paramref name="timeout"/> for one.</summary>
    public bool TryDequeueBack(out byte[] message, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        TakeWaiting(back: true, timeout, cancellationToken, out message);

    /// <summary>Takes the oldest message, waiting up to <paramref name="timeout"/>; throws <see cref="TimeoutException"/>.</summary>
    public byte[] Dequeue(TimeSpan timeout, CancellationToken cancellationToken = default) =>
        TakeWaiting(back: false, timeout, cancellationToken, out byte[] message)
            ? message
            : throw new TimeoutException($"ShmByteQueue '{Name}' stayed empty for {timeout}.");

    /// <summary>Writes the oldest message into <paramref name="writer"/>, waiting up to <paramref name="timeout"/> for one.</summary>
    public bool TryDequeue(IBufferWriter<byte> writer, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        long deadline = LockDeadline(timeout);
        if (DequeueInto(writer, deadline) == Outcome.Done)
            return true;
        var attempt = new WriterAttempt(this, writer, deadline);
        return _sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken);
    }

    /// <summary>Adds all messages in order, waiting up to <paramref name="timeout"/> for room; returns how many were added.</summary>
    public int EnqueueMany(ReadOnlySpan<ReadOnlyMemory<byte>> messages, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ThrowHelper.ValidateTimeout(timeout);
        long deadline = LockDeadline(timeout);
        int total = EnqueueMany(messages, deadline);
        if (total == messages.Length)
            return total;
        var attempt = new EnqueueManyAttempt(this, messages, total, deadline);
        _sleepers.Wait(this, ref attempt, consumerSide: false, timeout, cancellationToken);
        return attempt.Total;
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> for at least one message, then takes what is there and fits (see
    /// <see cref="DequeueMany(Span{byte}, Span{int})"/>). Returns 0 at timeout.
    /// </summary>
    public int DequeueMany(Span<byte> buffer, Span<int> lengths, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        DequeueMany(buffer, lengths, timeout, spin: true, cancellationToken);

    /// <summary>As the public DequeueMany with a timeout; without <paramref name="spin"/> the wait goes straight to the futex.</summary>
    internal int DequeueMany(Span<byte> buffer, Span<int> lengths, TimeSpan timeout, bool spin, CancellationToken cancellationToken)
    {
        ThrowHelper.ValidateTimeout(timeout);
        long deadline = LockDeadline(timeout);
        int taken = DequeueMany(buffer, lengths, deadline);
        if (taken > 0 || lengths.IsEmpty)
            return taken;
        var attempt = new DequeueManyAttempt(this, buffer, lengths, deadline);
        _sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken, spin);
        return attempt.Taken;
    }

    private bool EnqueueWaiting(ReadOnlySpan<byte> message, bool front, TimeSpan timeout, CancellationToken cancellationToken, ReadOnlySpan<byte> header = default, bool spin = true)
    {
        ThrowHelper.ValidateTimeout(timeout);
        long deadline = LockDeadline(timeout);
        if (Enqueue(message, front, deadline, header) == Outcome.Done)
            return true;
        var attempt = new EnqueueAttempt(this, message, front, deadline, header);
        return _sleepers.Wait(this, ref attempt, consumerSide: false, timeout, cancellationToken, spin);
    }

    private bool TakeWaiting(bool back, TimeSpan timeout, CancellationToken cancellationToken, out byte[] message)
    {
        ThrowHelper.ValidateTimeout(timeout);
        long deadline = LockDeadline(timeout);
        if (TakeArray(back, deadline, out message) == Outcome.Done)
            return true;
        var attempt = new TakeAttempt(this, back, deadline);
        bool taken = _sleepers.Wait(this, ref attempt, consumerSide: true, timeout, cancellationToken);
        message = attempt.Message;
        return taken;
    }

    /// <summary>Whether fewer than Capacity / 16 descriptors are free (racy; only delays a waiting producer's next try).</summary>
    private bool AboveLowWatermark() =>
        Volatile.Read(ref _state[1]) - Volatile.Read(ref _state[0]) > _capacity - Math.Max(1, _capacity / 16);

    /// <summary>The lock deadline for a call with this timeout: forever, only-if-free, or an absolute instant.</summary>
    private static long LockDeadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? WaitForLock
        : timeout == TimeSpan.Zero ? TryLockOnly
        : Futex.MonotonicNowTicks() + timeout.Ticks;

    private ref struct EnqueueAttempt(ShmByteQueue queue, ReadOnlySpan<byte> message, bool front, long deadline, ReadOnlySpan<byte> header) : IWaitAttempt
    {
        private readonly ReadOnlySpan<byte> _message = message;
        private readonly ReadOnlySpan<byte> _header = header;
        private int _attempts;

        // While spinning, a producer that found the queue full waits for a little room before competing for the lock
        // again: the consumer then takes a run of messages while the lock and state stay in its cache, instead of
        // the two sides trading the lock (and every line it guards) once per message. Once asleep it takes any room,
        // so each wake-up is used rather than answered with another sleep.
        public bool TryOnce() =>
            !(_attempts++ < SleepCoordinator.SpinPhaseAttempts && queue.AboveLowWatermark())
            && queue.Enqueue(_message, front, deadline, _header) == Outcome.Done;
    }

    private struct TakeAttempt(ShmByteQueue queue, bool back, long deadline) : IWaitAttempt
    {
        public byte[] Message = [];

        public bool TryOnce() => queue.TakeArray(back, deadline, out Message) == Outcome.Done;
    }

    private readonly struct WriterAttempt(ShmByteQueue queue, IBufferWriter<byte> writer, long deadline) : IWaitAttempt
    {
        public bool TryOnce() => queue.DequeueInto(writer, deadline) == Outcome.Done;
    }

    private ref struct EnqueueManyAttempt(ShmByteQueue queue, ReadOnlySpan<ReadOnlyMemory<byte>> messages, int total, long deadline) : IWaitAttempt
    {
        private readonly ReadOnlySpan<ReadOnlyMemory<byte>> _messages = messages;
        public int Total = total;

        private int _attempts;

        public bool TryOnce()
        {
            if (_attempts++ < SleepCoordinator.SpinPhaseAttempts && queue.AboveLowWatermark())
                return false; // as in EnqueueAttempt
            Total += queue.EnqueueMany(_messages[Total..], deadline);
            return Total == _messages.Length;
        }
    }

    private ref struct DequeueManyAttempt(ShmByteQueue queue, Span<byte> buffer, Span<int> lengths, long deadline) : IWaitAttempt
    {
        private readonly Span<byte> _buffer = buffer;
        private readonly Span<int> _lengths = lengths;
        public int Taken;

        public bool TryOnce()
        {
            Taken = queue.DequeueMany(_buffer, _lengths, deadline);
            return Taken > 0;
        }
    }
}
