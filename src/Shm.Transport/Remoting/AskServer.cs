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
    private static readonly TimeSpan s_wakeInterval = TimeSpan.FromSeconds(1); // the stop token wakes it sooner
    private readonly ShmTransportNode _node;
    private readonly ShmReqRepServer _channel;
    private readonly InboundResolver _resolver;
    private readonly Driver.WatchedReader _thread;
    private readonly CancellationTokenSource _stop = new();
    private readonly InlineTurns _turns = new();

    public AskServer(ShmTransportNode node, ShmReqRepServer channel, InboundResolver resolver, string nodeName)
    {
        _node = node;
        _channel = channel;
        _resolver = resolver;
        _thread = new Driver.WatchedReader($"Shm asks {nodeName}", Run, node.ReportStalledAskServer);
    }

    /// <summary>How many times a new thread took over from one blocked in an actor's turn.</summary>
    public int TakeOvers => _thread.TakeOvers;

    private void Run(Driver.ReaderLease lease)
    {
        lease.Hold();
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
                    // A thread whose lease was revoked still serves the rest of its batch (taken: nobody else would),
                    // then stops. Serving touches no state of this loop's, and replies may come from any thread.
                    Serve(ids[i], buffer.AsSpan(offset, lengths[i]));
                    offset += lengths[i];
                }
                if (lease.IsRevoked)
                    return;
                continue;
            }
            try
            {
                // Nothing queued: wait (spinning first, per the channel's wait strategy) for one request.
                if (_channel.TryReceive(out ShmRequest request, s_wakeInterval, _stop.Token))
                {
                    Serve(request.Id, request.Payload.Span);
                    if (lease.IsRevoked)
                        return;
                }
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
                _turns.Tell(recipient, message, replyTo);
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

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Dispose();
        _stop.Dispose();
    }
}
