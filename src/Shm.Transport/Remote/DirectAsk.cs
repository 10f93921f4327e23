using Akka.Actor;
using Shm.Primitives;
using Shm.Node;

namespace Shm.Transport.Remote;

/// <summary>
/// One ask of the direct path whose request is in the target node's ask channel, from its response slot to its
/// outcome. The reply read from the slot is told to the ask's future ref, so Akka's own rules apply to it (a
/// <see cref="Status.Failure"/> faults the task, a reply of the wrong type fails it). The target node going down
/// (its channel retired on the pidfd's report, or the channel finding its server dead) fails the ask with
/// <see cref="AskTargetNodeDownException"/>. When the ask ends first (Akka's timeout, the caller's token), the slot
/// is given up, and a reply written later is rejected by its generation.
/// </summary>
/// <remarks>
/// The channel reference taken for this ask (<see cref="AskChannelClient.TryEnter"/>) is returned once the slot's wait
/// has finished, whichever way: the mapping stays valid for every call made on the slot until then.
/// </remarks>
internal sealed class DirectAsk<T>
{
    private readonly DirectPath _direct;
    private readonly AskChannelClient _channel;
    private readonly RequestId _id;
    private readonly DirectAskFuture<T> _future;
    private readonly ActorPath _target;
    private int _ended; // set by the first of: the reply (or failure) handled, the ask given up

    public DirectAsk(DirectPath direct, AskChannelClient channel, RequestId id, DirectAskFuture<T> future, ActorPath target)
    {
        _direct = direct;
        _channel = channel;
        _id = id;
        _future = future;
        _target = target;
    }

    /// <summary>Waits for the reply: read at once when it comes within the channel's spin, else without holding a thread.</summary>
    public void Start()
    {
        ValueTask<byte[]> reply;
        try
        {
            reply = _channel.Client.GetAsync(_id, _channel.DownToken);
        }
        catch (Exception error)
        {
            Finished(null, error);
            return;
        }
        if (reply.IsCompletedSuccessfully)
        {
            Finished(reply.Result, null);
            return;
        }
        _future.Result.Task.ContinueWith(static (_, state) => ((DirectAsk<T>)state!).GiveUp(), this,
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _ = AwaitReply(reply);
    }

    private async Task AwaitReply(ValueTask<byte[]> reply)
    {
        byte[] bytes;
        try
        {
            bytes = await reply.ConfigureAwait(false);
        }
        catch (Exception error)
        {
            Finished(null, error);
            return;
        }
        Finished(bytes, null);
    }

    private void Finished(byte[]? reply, Exception? error)
    {
        try
        {
            if (Interlocked.Exchange(ref _ended, 1) != 0)
                return; // given up already: its slot was released, so only a stale-request error can come here
            if (reply is not null)
                _future.Tell(_direct.ReadReply(reply, _target), ActorRefs.NoSender);
            else if (error is OperationCanceledException or ShmServerUnavailableException or ObjectDisposedException)
                _future.Result.TrySetException(new AskTargetNodeDownException(_target)); // down token, dead server, unmapped
            else
                _future.Result.TrySetException(error!);
        }
        catch (Exception unreadable)
        {
            _future.Result.TrySetException(unreadable); // the reply did not deserialize
        }
        finally
        {
            _channel.Exit();
        }
    }

    /// <summary>The ask ended without its reply (timeout, cancellation): the slot is released for the next ask.</summary>
    private void GiveUp()
    {
        if (Interlocked.Exchange(ref _ended, 1) != 0)
            return;
        try
        {
            _channel.Client.Cancel(_id);
        }
        catch (Exception error) when (error is ObjectDisposedException or ShmStaleRequestException)
        {
            // The node went down meanwhile (the channel is unmapped, its slots reclaimed with it).
        }
    }
}
