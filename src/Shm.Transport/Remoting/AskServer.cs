using Shm.Actors;
using Shm.Primitives;

namespace Shm.Transport.Remoting;

/// <summary>
/// Serves this node's ask channel: one thread takes ask requests in batches (one lock hold per batch) and tells each
/// to its local recipient with an <see cref="AskReplyRef"/> as the sender. Bad input never stops it: a request that is
/// malformed or does not deserialize is answered with a <see cref="Status.Failure"/> so its asker does not wait for it.
/// </summary>
internal sealed class AskServer : IDisposable
{
    private static readonly TimeSpan s_wakeInterval = TimeSpan.FromMilliseconds(100);
    private readonly ShmTransportNode _node;
    private readonly ShmReqRepServer _channel;
    private readonly InboundResolver _resolver;
    private readonly Thread _thread;
    private readonly CancellationTokenSource _stop = new();

    public AskServer(ShmTransportNode node, ShmReqRepServer channel, InboundResolver resolver, string nodeName)
    {
        _node = node;
        _channel = channel;
        _resolver = resolver;
        _thread = new Thread(Run) { IsBackground = true, Name = $"Shm asks {nodeName}" };
        _thread.Start();
    }

    private void Run()
    {
        byte[] buffer = new byte[_channel.MaxRequestBytes];
        int[] lengths = new int[64];
        var ids = new RequestId[64];
        while (!_stop.IsCancellationRequested)
        {
            int taken = _channel.ReceiveMany(buffer, lengths, ids);
            if (taken > 0)
            {
                int offset = 0;
                for (int i = 0; i < taken; i++)
                {
                    Serve(ids[i], buffer.AsSpan(offset, lengths[i]));
                    offset += lengths[i];
                }
                continue;
            }
            try
            {
                // Nothing queued: wait (spinning first, per the channel's wait strategy) for one request.
                if (_channel.TryReceive(out ShmRequest request, s_wakeInterval, _stop.Token))
                    Serve(request.Id, request.Payload.Span);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Serve(RequestId id, ReadOnlySpan<byte> envelope)
    {
        var replyTo = new AskReplyRef(_node, id);
        try
        {
            if (!EnvelopeFormat.TryRead(envelope, out EnvelopeView view) || view.Kind != EnvelopeFormat.UserMessage)
            {
                _node.CountCorrupt();
                replyTo.Tell(new Status.Failure(new InvalidDataException("The ask request was malformed and was dropped by the target node.")), null);
                return;
            }
            IActorRef recipient = _resolver.Recipient(envelope, view);
            if (_node.TryDeserialize(_resolver, envelope, view, recipient, replyTo, out object? message))
                Deliver(recipient, message, replyTo);
            else
                replyTo.Tell(new Status.Failure(new System.Runtime.Serialization.SerializationException(
                    $"The ask to {recipient.Path} could not be deserialized by the target node (serializer {view.SerializerId}).")), null);
        }
        catch (Exception error)
        {
            _node.CountCorrupt(); // a recipient's Tell threw: the server goes on
            replyTo.Tell(new Status.Failure(error), null);
        }
    }

    /// <summary>
    /// Tells the request to its recipient. While the actors answering here are quick (their turns run at most
    /// <see cref="InlineTurnLimit"/> on average), an idle recipient's turn runs on this thread: the request and its
    /// reply then cost no thread-pool hand-off. A slow actor makes the average rise and the server hands turns to the
    /// pool again, so one slow actor cannot hold up the asks to the others for long.
    /// </summary>
    private void Deliver(IActorRef recipient, object message, AskReplyRef replyTo)
    {
        if (recipient is not Actors.Internal.LocalActorRef local || _averageTurnTicks > s_inlineTurnLimitTicks)
        {
            recipient.Tell(message, replyTo);
            _averageTurnTicks -= _averageTurnTicks >> 6; // decays while turns go to the pool, so inlining is tried again
            return;
        }
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        local.Cell.Mailbox.PostAndRunIfIdle(local, new Actors.Dispatch.Envelope(message, replyTo));
        // A sample counts at most 4 limits: one outlier (a first call's JIT, a GC) must not send turns to the pool for long.
        long ticks = Math.Min(System.Diagnostics.Stopwatch.GetTimestamp() - start, 4 * s_inlineTurnLimitTicks);
        _averageTurnTicks += (ticks - _averageTurnTicks) >> 3;
    }

    /// <summary>The longest average inline turn before turns go back to the thread pool.</summary>
    public static readonly TimeSpan InlineTurnLimit = TimeSpan.FromMicroseconds(50);

    private static readonly long s_inlineTurnLimitTicks = (long)(InlineTurnLimit.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
    private long _averageTurnTicks;

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
