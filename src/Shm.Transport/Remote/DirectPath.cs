using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text;
using Akka.Actor;
using Akka.Dispatch.SysMsg;
using Akka.Event;
using Akka.Remote;
using Akka.Serialization;
using Shm.Node;
using Shm.Primitives;

namespace Shm.Transport.Remote;

/// <summary>
/// The sending half of the direct path of one actor system: which refs take it (<see cref="TryCreate"/>), and the
/// serialization of a message into a direct frame on the link to the recipient's node. Refs to other transports, to
/// other boxes, or any ref in untrusted mode (whose filtering only Akka.Remote's pipeline applies) are Akka's own.
/// </summary>
internal sealed class DirectPath
{
    private readonly ExtendedActorSystem _system;
    private readonly bool _untrusted;
    private readonly EnvelopeWriter _envelopes;
    private readonly ConcurrentDictionary<string, ShmByteQueue> _mailboxRings = new();
    private SharedMemoryTransport? _transport;
    private long _deadLetters;

    public DirectPath(ExtendedActorSystem system, RemoteSettings settings)
    {
        _system = system;
        _untrusted = settings.UntrustedMode;
        system.RegisterOnTermination(() =>
        {
            foreach (ShmByteQueue ring in _mailboxRings.Values)
                ring.Dispose();
        });
        _envelopes = new EnvelopeWriter(system);
    }

    /// <summary>Messages of the direct path that became dead letters (the node was down, or its link's buffer full).</summary>
    public long DeadLetters => Interlocked.Read(ref _deadLetters);

    /// <summary>The shm transport of this system once it listens; null before, or when it runs none.</summary>
    private SharedMemoryTransport? Transport => _transport ??= SharedMemoryTransport.Of(_system.EventStream);

    /// <summary>A direct ref for <paramref name="path"/> when it names an actor of a node of this box's shm system; null otherwise.</summary>
    public IInternalActorRef? TryCreate(RemoteTransport remote, ActorPath path, Address localAddress)
    {
        if (_untrusted || localAddress.Protocol != SharedMemoryTransport.AkkaScheme || path.Address.Protocol != SharedMemoryTransport.AkkaScheme
            || path.Address.System != _system.Name || path.Address.Host is null || Transport is null)
            return null;
        return new DirectActorRef(this, remote, localAddress, path);
    }

    /// <summary>Serves this node's asks from other nodes, once the provider's transport listens.</summary>
    public void Start() => Transport?.ServeAsks(this);

    /// <summary>The temporary ref of an Ask (the provider's <c>CreateFutureRef</c>), able to ask direct refs through response slots.</summary>
    public FutureActorRef<T> CreateFutureRef<T>(IActorRefProvider provider, TaskCompletionSource<T> tcs) =>
        new DirectAskFuture<T>(tcs, provider.TempPath(), provider, this);

    /// <summary>Sends <paramref name="message"/> (a user or a system message) to <paramref name="recipient"/>; a dead letter when it cannot go.</summary>
    public void Send(DirectActorRef recipient, object message, IActorRef? sender)
    {
        bool user = message is not ISystemMessage;
        ShmByteQueue? ring = user ? recipient.MailboxRing(this) : null;
        SharedMemoryTransport? transport = Transport;
        NodeLink? link = ring is null && transport is not null ? recipient.Link(transport) : null;
        if (ring is null && link is null && user)
            ring = recipient.MailboxRingWhileNodeDown(this);
        bool sent = ring is not null
            ? TryWriteToRing(ring, recipient.RecipientUtf8, message, sender)
            : link is not null && TryWrite(transport!, link, recipient, message, sender);
        if (!sent)
            DeadLetter(recipient, message, sender);
    }

    private void DeadLetter(DirectActorRef recipient, object message, IActorRef? sender)
    {
        Interlocked.Increment(ref _deadLetters);
        if (message is not ISystemMessage)
            _system.DeadLetters.Tell(new DeadLetter(message, sender ?? ActorRefs.NoSender, recipient), sender ?? ActorRefs.NoSender);
    }

    /// <summary>
    /// The shm mailbox ring of the actor at <paramref name="path"/>, if it has one: opened once per ring and kept while
    /// this system runs; null when there is none now (only actors under <c>/user</c> can have one).
    /// </summary>
    public ShmByteQueue? MailboxRingOf(ActorPath path)
    {
        SharedMemoryTransport? transport = Transport;
        if (transport is null || path.Elements.Count == 0 || path.Elements[0] != "user" || path.Address.Host is not { } node)
            return null;
        string name = MailboxRingName.For(_system.Name, node, path.ToStringWithoutAddress());
        if (_mailboxRings.TryGetValue(name, out ShmByteQueue? ring))
            return ring;
        try
        {
            ring = ShmByteQueue.OpenExisting(name, SegmentOptions.Default with { Directory = transport.SegmentDirectory });
        }
        catch (Exception error) when (error is FileNotFoundException or IOException or InvalidDataException or ShmCorruptedException)
        {
            return null; // none (or not a ring we can use): the actor is reached through its node's inbox
        }
        if (_mailboxRings.TryAdd(name, ring))
            return ring;
        ring.Dispose();
        return _mailboxRings[name];
    }

    /// <summary>Writes the envelope of <paramref name="message"/> into an shm mailbox ring; false when the ring is full (or closed).</summary>
    public bool TryWriteToRing(ShmByteQueue ring, ReadOnlySpan<byte> recipient, object message, IActorRef? sender)
    {
        ArrayBufferWriter<byte> buffer = DirectEnvelope.Begin();
        _envelopes.Write(buffer, recipient, message, sender, EnvelopeFormat.UserMessage);
        try
        {
            return ring.TryEnqueue(buffer.WrittenSpan[DirectEnvelope.FrameHeaderSize..]);
        }
        catch (ObjectDisposedException)
        {
            return false; // the system is terminating
        }
    }

    /// <summary>
    /// Asks through a response slot of the target node's ask channel: the slot is reserved here, the request goes into
    /// the node's inbox like a Tell (so it keeps its place after the Tells sent before it), and the reply the target
    /// actor tells its sender is written into the slot (see <see cref="DirectAsk{T}"/>). False when no slot can be had
    /// now (none free, the channel not open): the caller then tells it on the ordinary direct path and the reply comes
    /// back through this node's inbox to the ask's temporary ref.
    /// </summary>
    public bool TryAsk<T>(DirectActorRef recipient, object message, DirectAskFuture<T> future)
    {
        SharedMemoryTransport? transport = Transport;
        if (transport is null || message is ISystemMessage || recipient.MailboxRing(this) is not null)
            return false; // an actor with an shm mailbox is asked through its ring, which outlives its node
        NodeLink? link = recipient.Link(transport);
        if (link is null)
        {
            future.Result.TrySetException(new AskTargetNodeDownException(recipient.Path));
            return true;
        }
        if (transport.EnterAskChannel(link.Peer) is not { } channel)
            return false;
        RequestId id;
        try
        {
            if (!channel.Client.TryReserve(out id))
            {
                channel.Exit();
                return false;
            }
        }
        catch (Exception error) when (error is ObjectDisposedException or ShmCorruptedException)
        {
            channel.Exit();
            return false; // the channel went with its node: the Tell path reports it
        }
        bool sent;
        try
        {
            Span<byte> idBytes = stackalloc byte[EnvelopeFormat.AskRequestIdBytes];
            BinaryPrimitives.WriteUInt64LittleEndian(idBytes, id.Value);
            ArrayBufferWriter<byte> buffer = DirectEnvelope.Begin();
            _envelopes.Write(buffer, recipient.RecipientUtf8, message, idBytes, EnvelopeFormat.AskRequest);
            sent = buffer.WrittenCount <= transport.MaximumFrameBytes && link.Write(buffer.WrittenSpan);
        }
        catch (Exception error)
        {
            Release(channel, id);
            future.Result.TrySetException(error); // the message does not serialize: the ask fails as it would in Akka
            return true;
        }
        if (!sent)
        {
            Release(channel, id);
            return false; // too long for a frame, or the link's buffer full: the Tell path reports it
        }
        new DirectAsk<T>(this, channel, id, future, recipient.Path).Start();
        return true;
    }

    private static void Release(AskChannelClient channel, RequestId id)
    {
        try
        {
            channel.Client.Cancel(id);
        }
        catch (Exception error) when (error is ObjectDisposedException or ShmStaleRequestException)
        {
            // Released with its node.
        }
        finally
        {
            channel.Exit();
        }
    }

    /// <summary>
    /// Writes <paramref name="message"/>, an actor's reply to an ask from another node, into the ask's response slot. A
    /// reply that cannot be serialized or is longer than the slot is replaced by a <see cref="Status.Failure"/> saying
    /// so, so the asker learns why instead of timing out. False when the asker gave up before it (a late reply).
    /// </summary>
    public bool Reply(ShmReqRepServer channel, RequestId id, object message)
    {
        ArrayBufferWriter<byte> buffer = DirectEnvelope.Begin();
        try
        {
            _envelopes.Write(buffer, default, message, ReadOnlySpan<byte>.Empty, EnvelopeFormat.AskReply);
            if (buffer.WrittenCount - DirectEnvelope.FrameHeaderSize > channel.MaxResponseBytes)
                throw new ArgumentException($"The reply {message.GetType().FullName} is {buffer.WrittenCount - DirectEnvelope.FrameHeaderSize} bytes serialized; "
                    + $"this node's ask channel holds replies of at most {channel.MaxResponseBytes} bytes (akka.remote.shm.ask-reply-max-bytes).");
        }
        catch (Exception error)
        {
            _system.Log.Warning(error, "The reply to an ask ({0}) could not be sent: {1}", message.GetType().FullName, error.Message);
            buffer = DirectEnvelope.Begin();
            _envelopes.Write(buffer, default, new Status.Failure(error), ReadOnlySpan<byte>.Empty, EnvelopeFormat.AskReply);
        }
        return channel.Reply(id, buffer.WrittenSpan[DirectEnvelope.FrameHeaderSize..]);
    }

    /// <summary>The message of a reply read from a response slot.</summary>
    /// <exception cref="InvalidDataException">The reply is malformed.</exception>
    public object ReadReply(byte[] reply, ActorPath target)
    {
        if (!EnvelopeFormat.TryRead(reply, out EnvelopeView view) || view.Kind != EnvelopeFormat.AskReply)
            throw new InvalidDataException($"The reply to an Ask to {target} was malformed.");
        string manifest = view.ManifestLength == 0 ? "" : Encoding.UTF8.GetString(reply, view.ManifestOffset, view.ManifestLength);
        return _system.Serialization.Deserialize(reply.AsSpan(view.PayloadOffset).ToArray(), view.SerializerId, manifest);
    }

    private bool TryWrite(SharedMemoryTransport transport, NodeLink link, DirectActorRef recipient, object message, IActorRef? sender)
    {
        ArrayBufferWriter<byte> buffer = DirectEnvelope.Begin();
        _envelopes.Write(buffer, recipient.RecipientUtf8, message, sender, message is ISystemMessage ? EnvelopeFormat.SystemMessage : EnvelopeFormat.UserMessage);
        if (buffer.WrittenCount > transport.MaximumFrameBytes)
        {
            _system.Log.Error("Discarding a message of {0} for {1}: it serializes to {2} bytes, over akka.remote.shm's maximum-payload-bytes ({3}).",
                message.GetType(), recipient.Path, buffer.WrittenCount - DirectEnvelope.FrameHeaderSize, transport.MaximumPayloadBytes);
            return false;
        }
        return link.Write(buffer.WrittenSpan);
    }
}
