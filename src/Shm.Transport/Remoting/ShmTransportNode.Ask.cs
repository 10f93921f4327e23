using System.Buffers;
using Shm.Actors;
using Shm.Actors.Internal;
using Shm.Primitives;
using Shm.Transport.Driver;

namespace Shm.Transport.Remoting;

// Ask across nodes over the target node's ask channel (a ShmReqRep): the asker takes a response slot there and sends
// the request envelope; the target's AskServer tells the recipient with an AskReplyRef bound to that slot; the reply is
// serialized straight into the slot. No temporary actor and no second inbox hop.
internal sealed partial class ShmTransportNode
{
    private AskClients? _askClients;
    private AskServer? _askServer;
    private ShmReqRepServer? _askChannel;
    private long _lateAskReplies;

    /// <summary>Replies to asks that arrived after their asker gave up (rejected by the slot's generation check).</summary>
    public long LateAskReplyCount => Interlocked.Read(ref _lateAskReplies);

    private void StartAsks()
    {
        if (_driver is not ShmTransportDriver shm)
            return; // another driver: asks to remote refs are not supported
        _askChannel = shm.AskChannel;
        _askClients = new AskClients(shm);
        _askServer = new AskServer(this, _askChannel, new InboundResolver(_local, _provider), _options.NodeName);
    }

    private void StopAsks()
    {
        _askServer?.Dispose();
        _askClients?.Dispose();
    }

    /// <summary>How many times a new ask server thread took over from one blocked in an actor's turn (for tests).</summary>
    internal int AskServerTakeOvers => _askServer?.TakeOvers ?? 0;

    /// <summary>An actor's turn blocked the ask server and a new thread serves in its place (the first few times).</summary>
    internal void ReportStalledAskServer() =>
        _system.Log.Warning("An actor's turn blocked the ask server of node {0} for over {1} ms; a new thread serves asks in its place. "
                + "Actors should not block.", _local.DefaultAddress, WatchedReader.StallCheckInterval.TotalMilliseconds);

    internal ActorPath TempPath() => _local.TempPath();

    /// <summary>Ask to a remote actor: see <see cref="IAskTarget"/>.</summary>
    public Task<T> Ask<T>(RemoteActorRef target, object message, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        TimeSpan? effective = timeout ?? _system.Settings.AskTimeout;
        if (effective is { } t && t != Timeout.InfiniteTimeSpan)
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(t, TimeSpan.Zero, nameof(timeout));
        if (cancellationToken.IsCancellationRequested)
            return Task.FromCanceled<T>(cancellationToken);
        if (_askClients is null)
            return Task.FromException<T>(new NotSupportedException($"The transport driver {_driver.GetType().Name} does not support Ask across nodes."));
        if (PeerOf(target) is not { IsUp: true } peer)
            return Task.FromException<T>(NodeDown(target, null));
        byte[] request;
        try
        {
            request = Serialize(target, message, sender: null).WrittenSpan.ToArray();
        }
        catch (Exception error)
        {
            return Task.FromException<T>(error);
        }
        AskChannelClient? channel = _askClients.Enter(target.Node, peer.Incarnation);
        return channel is null
            ? Task.FromException<T>(NodeDown(target, null))
            : new RemoteAsk<T>(this, channel, target, effective, cancellationToken).Start(request);
    }

    internal object ReadReply(byte[] reply, RemoteActorRef target)
    {
        if (!EnvelopeFormat.TryRead(reply, out EnvelopeView view) || view.Kind != EnvelopeFormat.AskReply)
            throw new InvalidDataException($"The reply to an Ask to {target.Path} was malformed.");
        string manifest = view.ManifestLength == 0 ? "" : System.Text.Encoding.UTF8.GetString(reply, view.ManifestOffset, view.ManifestLength);
        return _system.Serialization.Deserialize(reply.AsSpan(view.PayloadOffset), view.SerializerId, manifest);
    }

    internal static NodeDownException NodeDown(RemoteActorRef target, Exception? cause) =>
        new(target.Path.Address, $"The node {target.Path.Address} is down: the Ask to {target.Path} cannot be answered.", cause);

    /// <summary>
    /// Writes the reply to an ask into its response slot. A reply that cannot be serialized or is larger than the
    /// slot is replaced by a <see cref="Status.Failure"/> saying so, so the asker learns why instead of timing out.
    /// </summary>
    internal void ReplyToAsk(RequestId id, object message, IActorRef replyTo)
    {
        ShmReqRepServer channel = _askChannel!;
        ArrayBufferWriter<byte> writer = Writer();
        try
        {
            WriteMessage(writer, default, default, message, EnvelopeFormat.AskReply);
            if (writer.WrittenCount > channel.MaxResponseBytes)
                throw new ArgumentException(
                    $"The reply {message.GetType().FullName} is {writer.WrittenCount} bytes serialized; the target node's MaxAskReplyBytes is {channel.MaxResponseBytes}.");
        }
        catch (Exception error)
        {
            _system.Log.Warning(error, "The reply to an ask ({0}) could not be sent: {1}", message.GetType().FullName, error.Message);
            writer.ResetWrittenCount();
            WriteMessage(writer, default, default, new Status.Failure(error), EnvelopeFormat.AskReply);
        }
        Counters.Messages.Sent(writer.WrittenCount);
        if (!channel.Reply(id, writer.WrittenSpan))
        {
            Interlocked.Increment(ref _lateAskReplies);
            DeadLetter(message, null, replyTo);
        }
    }
}
