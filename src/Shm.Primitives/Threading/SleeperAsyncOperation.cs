using System.Threading.Tasks.Sources;
using Shm.Primitives.Participants;

namespace Shm.Primitives.Threading;

/// <summary>
/// A pending async operation of a primitive, parked on <see cref="FutexWaitService"/> until its side's wake word
/// changes. The subclass supplies one try (<see cref="TryOnce"/>); registration as a sleeper, the fence,
/// cancellation and completion are here.
/// </summary>
/// <remarks>
/// Not pooled: the operations are usually cancellable, and a cancellable source must not be reused while a late
/// cancellation callback may still touch it (System.Threading.Channels' AsyncOperation has the same rule).
/// Completion runs on the service thread under its lock, so continuations are forced asynchronous.
/// </remarks>
internal abstract unsafe class SleeperAsyncOperation<TResult> : IFutexWaiter, IValueTaskSource<TResult>, IValueTaskSource
{
    private readonly SleepCoordinator _sleepers;
    private readonly IWaitTarget _target;
    private readonly bool _consumerSide;
    private readonly CancellationToken _cancellationToken;
    private ManualResetValueTaskSourceCore<TResult> _core;
    private CancellationTokenRegistration _registration;
    private ThreadParticipant? _registeredAs; // the service thread's record we counted ourselves in, once registered
    private int _cancelRequested;

    protected SleeperAsyncOperation(object owner, SleepCoordinator sleepers, IWaitTarget target, bool consumerSide, CancellationToken cancellationToken)
    {
        Owner = owner;
        _sleepers = sleepers;
        _target = target;
        _consumerSide = consumerSide;
        _cancellationToken = cancellationToken;
        _core.RunContinuationsAsynchronously = true;
    }

    public object Owner { get; }

    public short Version => _core.Version;

    /// <summary>One try on the service thread; true with the result when the operation is done.</summary>
    protected abstract bool TryOnce(out TResult result);

    /// <summary>Parks the operation. Registration with the token comes last so a cancel sees a parked operation.</summary>
    public void Start()
    {
        FutexWaitService.Shared.Add(this);
        if (_cancellationToken.CanBeCanceled)
            _registration = _cancellationToken.UnsafeRegister(static state => ((IFutexWaiter)state!).RequestCancel(), this);
    }

    public void RequestCancel()
    {
        Volatile.Write(ref _cancelRequested, 1);
        FutexWaitService.Shared.RingAll();
    }

    public bool Poll(out uint* word, out uint expected)
    {
        word = _sleepers.WakeSequenceFor(_consumerSide);
        if (Volatile.Read(ref _cancelRequested) != 0)
        {
            expected = 0;
            Finish();
            _core.SetException(new OperationCanceledException(_cancellationToken));
            return true;
        }
        _sleepers.ThrowIfUnusable(); // the wait service abandons the operation with this exception
        ThreadParticipant me = _sleepers.Participants.Current;
        if (_registeredAs is null)
        {
            SleepCoordinator.Register(me, _sleepers.WaitersFor(_consumerSide), _consumerSide);
            _registeredAs = me;
        }
        expected = Volatile.Read(ref *word); // before the try: a change after it alters the word and wakes us
        if (TryOnce(out TResult result))
        {
            Finish();
            _core.SetResult(result);
            return true;
        }
        _target.ExamineWhileWaiting(me, _consumerSide);
        return false;
    }

    public void Abandon(Exception error)
    {
        Finish();
        _core.SetException(error);
    }

    private void Finish()
    {
        if (_registeredAs is { } me)
        {
            SleepCoordinator.Unregister(me, _sleepers.WaitersFor(_consumerSide), _consumerSide);
            _registeredAs = null;
        }
        _registration.Dispose();
    }

    TResult IValueTaskSource<TResult>.GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
