using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using Shm.Actors;
using Shm.Primitives;
using Shm.Primitives.Segments;
using Shm.Transport.Mailboxes;

namespace Shm.Transport.Remoting;

// Shm mailboxes (see ShmMailbox): the envelopes in an actor's ring, and Tells to remote actors that have one going
// straight into it instead of through their node's inbox.
internal sealed partial class ShmTransportNode
{
    private const long RecheckMilliseconds = 1000; // a path without a ring is looked at again after 1 s
    private readonly ConcurrentDictionary<string, MailboxRingLink> _mailboxRings = new();

    /// <summary>A resolver for a thread (or a mailbox's turns) of its own.</summary>
    internal InboundResolver NewResolver() => new(_local, _provider);

    /// <summary>The ring name of the shm mailbox of the actor at <paramref name="path"/>.</summary>
    internal string MailboxRingOf(ActorPath path) =>
        MailboxRingName.For(_system.Name, path.Address.Host ?? _options.NodeName, path.ToStringWithoutAddress());

    /// <summary>Serializes a message into a mailbox ring; false if the ring is full.</summary>
    /// <exception cref="System.Runtime.Serialization.SerializationException">The message cannot be serialized.</exception>
    /// <param name="ring">The actor's mailbox ring.</param>
    /// <param name="recipientPath">The actor's path without address and uid, UTF-8 (encoded once by the caller).</param>
    /// <param name="message">The message.</param>
    /// <param name="sender">Its sender.</param>
    internal bool TryWriteToMailbox(ShmByteQueue ring, ReadOnlySpan<byte> recipientPath, object message, IActorRef? sender)
    {
        ArrayBufferWriter<byte> writer = Writer();
        WriteMessage(writer, recipientPath, _fields.SenderPath(sender), message, EnvelopeFormat.UserMessage);
        if (!ring.TryEnqueue(writer.WrittenSpan))
            return false;
        Counters.Messages.Sent(writer.WrittenCount);
        return true;
    }

    private const byte LocalMarker = 0xFE;
    private const int LocalMarkerBytes = 17;

    /// <summary>
    /// Writes the place of an in-process message that is not serialized (PoisonPill, Kill, Identify) into a mailbox
    /// ring: [0xFE][this node's incarnation (8)][sequence (8)]. It keeps its order among the ring's messages; a marker
    /// from another incarnation (a crashed owner's) is skipped.
    /// </summary>
    internal bool TryWriteMailboxMarker(ShmByteQueue ring, long sequence)
    {
        Span<byte> marker = stackalloc byte[LocalMarkerBytes];
        marker[0] = LocalMarker;
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(marker[1..], _incarnation);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(marker[9..], sequence);
        return ring.TryEnqueue(marker);
    }

    /// <summary>True if <paramref name="record"/> is a marker; <paramref name="sequence"/> is set only for this incarnation's.</summary>
    internal bool IsMailboxMarker(ReadOnlySpan<byte> record, out long? sequence)
    {
        sequence = null;
        if (record.Length != LocalMarkerBytes || record[0] != LocalMarker)
            return false;
        if (System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(record[1..]) == _incarnation)
            sequence = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(record[9..]);
        return true;
    }

    /// <summary>A message from a mailbox ring; false (counted, logged) if it is malformed or does not deserialize.</summary>
    internal bool TryReadMailboxEnvelope(InboundResolver resolver, byte[] envelope, [NotNullWhen(true)] out object? message, out IActorRef? sender)
    {
        sender = null;
        message = null;
        if (!EnvelopeFormat.TryRead(envelope, out EnvelopeView view) || view.Kind != EnvelopeFormat.UserMessage)
        {
            CountCorrupt();
            return false;
        }
        sender = resolver.Sender(envelope, view);
        return TryDeserialize(resolver, envelope, view, resolver.Recipient(envelope, view), sender, out message);
    }

    /// <summary>The lookup of <paramref name="recipient"/>'s shm mailbox ring (shared by every ref to its path).</summary>
    private MailboxRingLink MailboxLinkOf(RemoteActorRef recipient) =>
        recipient.MailboxLink ??= _mailboxRings.GetOrAdd(MailboxRingOf(recipient.Path),
            static (name, path) => new MailboxRingLink(name, System.Text.Encoding.UTF8.GetBytes(path.ToStringWithoutAddress())), recipient.Path);

    private void CloseMailboxRings()
    {
        foreach (MailboxRingLink link in _mailboxRings.Values)
            link.Dispose();
    }

    /// <summary>A writer's handle on one actor's mailbox ring, or the knowledge (with its time) that there is none.</summary>
    internal sealed class MailboxRingLink(string name, byte[] recipientPath) : IDisposable
    {
        private readonly object _gate = new();
        private volatile ShmByteQueue? _ring;
        private long _nextCheck;

        /// <summary>The actor's path without address and uid, UTF-8: the recipient field of what is written into the ring.</summary>
        public byte[] RecipientPath => recipientPath;

        /// <summary>The ring if it exists (checked again at most every second while it does not).</summary>
        public ShmByteQueue? RingIn(string directory) => _ring ?? TryOpen(directory);

        private ShmByteQueue? TryOpen(string directory)
        {
            long now = Environment.TickCount64; // coarse and cheap: this runs on every Tell to a ref without a ring
            if (now < Volatile.Read(ref _nextCheck))
                return null;
            lock (_gate)
            {
                if (_ring is not null || now < _nextCheck)
                    return _ring;
                _nextCheck = now + RecheckMilliseconds;
                if (!File.Exists(Path.Combine(directory, name)))
                    return null;
                try
                {
                    _ring = ShmByteQueue.OpenExisting(name, SegmentOptions.Default with { Directory = directory });
                }
                catch (Exception error) when (error is IOException or InvalidDataException or ShmCorruptedException)
                {
                    return null; // being created, or removed meanwhile: looked at again later
                }
                return _ring;
            }
        }

        public void Dispose()
        {
            lock (_gate)
            {
                _ring?.Dispose();
                _ring = null;
                _nextCheck = long.MaxValue;
            }
        }
    }
}
