using System.Buffers;
using System.Buffers.Binary;

namespace Shm.Transport.Remote;

// One message as it travels through a node's inbox (a ShmByteQueue message), little-endian:
//
//  offset  size  field                meaning
//       0     1  Kind                 1 = user message, 2 = system message (SerializerId = SystemEnvelopeKind | flags),
//                                     3 = an Ask on the direct path (as 1, but Sender is the 8-byte id of the
//                                     asker's response slot, little-endian), 4 = the reply to an Ask (in a response
//                                     slot; no recipient, no sender)
//       1     1  (reserved)
//       2     2  RecipientLength      bytes of Recipient
//       4     2  SenderLength         bytes of Sender (0: no sender)
//       6     2  ManifestLength       bytes of Manifest
//       8     4  SerializerId         the serializer that wrote Payload
//      12     4  Tag                  0, or for the events of an shm topic the id of the mediator that published it
//      16     R  Recipient            path inside the node, UTF-8 ("/user/a/b#uid")
//       …     S  Sender               full path with address, UTF-8 ("shm://sys@node/user/x#uid")
//       …     M  Manifest             UTF-8
//       …     …  Payload              the serialized message (to the end)
//
// Every length is checked against the message before any field is read; a malformed envelope is rejected whole.
internal static class EnvelopeFormat
{
    public const byte UserMessage = 1;
    public const byte SystemMessage = 2;
    public const byte AskRequest = 3;
    public const int AskRequestIdBytes = 8;
    public const byte AskReply = 4;
    public const int HeaderSize = 16;
    public const int MaxFieldBytes = ushort.MaxValue;

    /// <summary>Writes the header and the three UTF-8 fields; the caller appends the payload.</summary>
    public static void WriteHeader(IBufferWriter<byte> writer, ReadOnlySpan<byte> recipient, ReadOnlySpan<byte> sender, int serializerId, ReadOnlySpan<byte> manifest, byte kind = UserMessage, int tag = 0)
    {
        if (recipient.Length > MaxFieldBytes || sender.Length > MaxFieldBytes || manifest.Length > MaxFieldBytes)
            throw new ArgumentException($"An actor path or manifest is longer than {MaxFieldBytes} bytes.");
        int size = HeaderSize + recipient.Length + sender.Length + manifest.Length;
        Span<byte> span = writer.GetSpan(size);
        span[0] = kind;
        span[1] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(span[2..], (ushort)recipient.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[4..], (ushort)sender.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(span[6..], (ushort)manifest.Length);
        BinaryPrimitives.WriteInt32LittleEndian(span[8..], serializerId);
        BinaryPrimitives.WriteInt32LittleEndian(span[12..], tag);
        recipient.CopyTo(span[HeaderSize..]);
        sender.CopyTo(span[(HeaderSize + recipient.Length)..]);
        manifest.CopyTo(span[(HeaderSize + recipient.Length + sender.Length)..]);
        writer.Advance(size);
    }

    /// <summary>Splits an envelope into its fields, or returns false if it is malformed.</summary>
    public static bool TryRead(ReadOnlySpan<byte> envelope, out EnvelopeView view)
    {
        view = default;
        if (envelope.Length < HeaderSize || envelope[0] is not (UserMessage or SystemMessage or AskRequest or AskReply))
            return false;
        int recipient = BinaryPrimitives.ReadUInt16LittleEndian(envelope[2..]);
        int sender = BinaryPrimitives.ReadUInt16LittleEndian(envelope[4..]);
        int manifest = BinaryPrimitives.ReadUInt16LittleEndian(envelope[6..]);
        if ((recipient == 0) != (envelope[0] == AskReply) || (envelope[0] == AskRequest && sender != AskRequestIdBytes)
            || HeaderSize + recipient + sender + manifest > envelope.Length)
            return false;
        view = new EnvelopeView(
            envelope[0],
            HeaderSize,
            recipient,
            sender,
            manifest,
            BinaryPrimitives.ReadInt32LittleEndian(envelope[8..]),
            BinaryPrimitives.ReadInt32LittleEndian(envelope[12..]));
        return true;
    }
}

/// <summary>Where the fields of a validated envelope are.</summary>
internal readonly record struct EnvelopeView(byte Kind, int RecipientOffset, int RecipientLength, int SenderLength, int ManifestLength, int SerializerId, int Tag = 0)
{
    public int SenderOffset => RecipientOffset + RecipientLength;

    public int ManifestOffset => SenderOffset + SenderLength;

    public int PayloadOffset => ManifestOffset + ManifestLength;
}
