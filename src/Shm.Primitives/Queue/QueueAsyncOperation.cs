using System.Threading.Tasks.Sources;
using Shm.Primitives.Participants;
using Shm.Primitives.Threading;

namespace Shm.Primitives.Queue;

/// <summary>What a parked asynchronous queue operation waits to do.</summary>
internal enum QueueOperationKind
{
    Dequeue,
    Enqueue,
    WaitToRead,
    WaitToWrite,
}

/// <summary>
/// One pending async operation of a <see cref="ShmQueue{T}"/>, parked on <see cref="FutexWaitService"/>.
/// Not pooled: the operations are usually cancellable, and a cancellable source must not be reused while a
/// late cancellation callback may still touch it (System.Threading.Channels' AsyncOperation has the same rule).
/// </summary>
internal sealed unsafe class QueueAsyncOperation<T> : IFutexWaiter, IValueTaskSource<T>, IValueTaskSource
    where T : unmanaged
{
    private readonly ShmQueue<T> _queue;
    private readonly QueueOperationKind _kind;
    private readonly T _item;
    private readonly CancellationToken _cancellationToken;
    private ManualResetValueTaskSourceCore<T> _core;
    private CancellationTokenRegistration _registration;
    private uint* _recordWaits; // the service thread's record count we added to; null until registered
    private int _cancelRequested;

    public QueueAsyncOperation(ShmQueue<T> queue, QueueOperationKind kind, T item, CancellationToken cancellationToken)
    {
        _queue = queue;
        _kind = kind;
        _item = item;
        _cancellationToken = cancellationToken;
        // Continuations must not run on the service thread, which holds its lock while completing us.
        _core.RunContinuationsAsynchronously = true;
    }

    public object Owner => _queue;

    public short Version => _core.Version;

    private bool ConsumerSide => _kind is QueueOperationKind.Dequeue or QueueOperationKind.WaitToRead;

    /// <summary>Parks the operation. Registration with the token comes last so a cancel sees a parked operation.</summary>
    public void Start()
    {
        FutexWaitService.Shared.Add(this);
        if (_cancellationToken.CanBeCanceled)
            _registration = _cancellationToken.UnsafeRegister(static state => ((QueueAsyncOperation<T>)state!).RequestCancel(), this);
    }

    public void RequestCancel()
    {
        Volatile.Write(ref _cancelRequested, 1);
        FutexWaitService.Shared.RingAll();
    }

    public bool Poll(out uint* word, out uint expected)
    {
        word = _queue.WakeSequenceFor(ConsumerSide);
        if (Volatile.Read(ref _cancelRequested) != 0)
        {
            expected = 0;
            Unregister();
            _core.SetException(new OperationCanceledException(_cancellationToken));
            return true;
        }
        if (_recordWaits is null)
        {
            // First poll, on the service thread: count ourselves as a sleeper (global first, then this thread's
            // record, so a crash can only over-count). Full fence: pairs with the waker's fence after commit.
            ThreadParticipant me = _queue.CurrentParticipant;
            uint* global = _queue.WaitersFor(ConsumerSide);
            _recordWaits = ConsumerSide
                ? (uint*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref me.ConsumerWaits)
                : (uint*)System.Runtime.CompilerServices.Unsafe.AsPointer(ref me.ProducerWaits);
            Interlocked.Increment(ref *global);
            Interlocked.Increment(ref *_recordWaits);
            AsymmetricFence.Heavy(); // pairs with AsymmetricFence.Light in every waker
        }
        expected = Volatile.Read(ref *word); // before the attempt: a commit after it changes the word
        switch (_kind)
        {
            case QueueOperationKind.Dequeue:
                if (_queue.TryDequeue(out T item))
                {
                    Unregister();
                    _core.SetResult(item);
                    return true;
                }
                _queue.ExamineStuck(ConsumerSide);
                return false;
            case QueueOperationKind.Enqueue:
                if (_queue.TryEnqueue(_item))
                {
                    Unregister();
                    _core.SetResult(default);
                    return true;
                }
                _queue.ExamineStuck(ConsumerSide);
                return false;
            case QueueOperationKind.WaitToRead:
                if (_queue.HasReadableItem())
                {
                    Unregister();
                    _core.SetResult(default);
                    return true;
                }
                return false;
            default:
                if (_queue.HasFreeSlot())
                {
                    Unregister();
                    _core.SetResult(default);
                    return true;
                }
                return false;
        }
    }

    public void Abandon(Exception error)
    {
        Unregister();
        _core.SetException(error);
    }

    private void Unregister()
    {
        if (_recordWaits is not null)
        {
            // Record first, then global: a crash in between over-counts (harmless), never under-counts.
            Interlocked.Decrement(ref *_recordWaits);
            Interlocked.Decrement(ref *_queue.WaitersFor(ConsumerSide));
            _recordWaits = null;
        }
        _registration.Dispose();
    }

    T IValueTaskSource<T>.GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
