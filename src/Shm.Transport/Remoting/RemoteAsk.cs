using Shm.Actors.Internal;
using Shm.Primitives;
using Shm.Transport.Driver;

namespace Shm.Transport.Remoting;

/// <summary>
/// One ask to another node, from its send to its outcome. The outcome is read from the channel's task without
/// rethrowing (a node's death fails a thousand asks at once, and each would otherwise throw twice on the way), and
/// turned into the ask's result or the exception its caller sees: the reply, <see cref="Actors.AskTimeoutException"/>,
/// <see cref="NodeDownException"/>, or cancellation by the caller's token.
/// </summary>
/// <remarks>
/// Continuations of this task run inline where it completes: that is a thread-pool thread, because the channel's own
/// completion never runs continuations on its pump or on the membership thread.
/// </remarks>
internal sealed class RemoteAsk<T> : TaskCompletionSource<T>
{
    private readonly ShmTransportNode _node;
    private readonly AskChannelClient _channel;
    private readonly RemoteActorRef _target;
    private readonly TimeSpan? _timeout;
    private readonly CancellationToken _cancellationToken;
    private readonly CancellationTokenSource _ends;
    // Read only while the duration is measured: a clock read is a noticeable part of an ask on some virtual machines.
    private readonly long _started = Diagnostics.TransportMetrics.AskDuration.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;

    public RemoteAsk(ShmTransportNode node, AskChannelClient channel, RemoteActorRef target, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        _node = node;
        _channel = channel;
        _target = target;
        _timeout = timeout;
        _cancellationToken = cancellationToken;
        // One token for the three ways an ask ends early: the caller's token, the timeout, the node going down.
        _ends = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, channel.DownToken)
            : CancellationTokenSource.CreateLinkedTokenSource(channel.DownToken);
        if (timeout is { } due && due != Timeout.InfiniteTimeSpan)
            _ends.CancelAfter(due);
    }

    public Task<T> Start(byte[] request)
    {
        _node.Counters.Messages.Sent(request.Length);
        ValueTask<byte[]> reply;
        try
        {
            reply = _channel.Client.RequestAsync(request, _ends.Token);
        }
        catch (Exception error)
        {
            Finish(System.Threading.Tasks.Task.FromException<byte[]>(error));
            return Task;
        }
        if (reply.IsCompleted)
            Finish(reply.AsTask());
        else
            reply.AsTask().ContinueWith(static (done, state) => ((RemoteAsk<T>)state!).Finish(done), this,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return Task;
    }

    private void Finish(Task<byte[]> done)
    {
        try
        {
            if (done.IsCompletedSuccessfully)
                Complete(done.Result);
            else if (done.IsCanceled || done.Exception?.InnerException is OperationCanceledException)
                Ended();
            else
                Failed(done.Exception!.InnerException!);
        }
        catch (Exception error)
        {
            TrySetException(error); // the reply did not deserialize
        }
        finally
        {
            _ends.Dispose();
            _channel.Exit();
        }
    }

    private void Complete(byte[] reply)
    {
        if (_started != 0 && Diagnostics.TransportMetrics.AskDuration.Enabled)
        {
            Diagnostics.TransportMetrics.AskDuration.Record(System.Diagnostics.Stopwatch.GetElapsedTime(_started).TotalSeconds,
                new KeyValuePair<string, object?>(Diagnostics.TransportMetrics.NodeTag, _node.MetricsTag));
        }
        if (AskReply.Interpret(_node.ReadReply(reply, _target), out T result) is { } error)
            TrySetException(error);
        else
            TrySetResult(result);
    }

    private void Ended()
    {
        if (_cancellationToken.IsCancellationRequested)
            TrySetCanceled(_cancellationToken);
        else if (_channel.IsRetired)
            TrySetException(ShmTransportNode.NodeDown(_target, null));
        else
            TrySetException(AskReply.Timeout(_timeout!.Value, _target));
    }

    private void Failed(Exception error) =>
        TrySetException(error is ShmServerUnavailableException || (error is ObjectDisposedException && _channel.IsRetired)
            ? ShmTransportNode.NodeDown(_target, error)
            : error);
}
