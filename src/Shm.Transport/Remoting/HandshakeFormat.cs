using System.Buffers.Binary;
using System.Text;
using Shm.Actors;

namespace Shm.Transport.Remoting;

// The first payload each side writes on a new association (Akka's ASSOCIATE control PDU), little-endian:
//
//  offset  size  field        meaning
//       0     1  Kind         3 = handshake (1 and 2 are envelopes, see EnvelopeFormat)
//       1     7  (reserved)
//       8     8  Incarnation  the sender's incarnation (its uid for this join)
//      16     4  ProcessId    the sender's pid
//      20     …  Address      the sender's address, UTF-8 (shm://system@node)
internal static class HandshakeFormat
{
    public const byte Kind = 3;
    private const int HeaderSize = 20;

    public static byte[] Write(Address address, long incarnation, int pid)
    {
        byte[] text = Encoding.UTF8.GetBytes(address.ToString());
        byte[] frame = new byte[HeaderSize + text.Length];
        frame[0] = Kind;
        BinaryPrimitives.WriteInt64LittleEndian(frame.AsSpan(8), incarnation);
        BinaryPrimitives.WriteInt32LittleEndian(frame.AsSpan(16), pid);
        text.CopyTo(frame, HeaderSize);
        return frame;
    }

    public static bool IsHandshake(ReadOnlySpan<byte> payload) => payload.Length > 0 && payload[0] == Kind;

    public static bool TryRead(ReadOnlySpan<byte> payload, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Address? address, out long incarnation, out int pid)
    {
        address = null;
        incarnation = 0;
        pid = 0;
        if (payload.Length <= HeaderSize || payload.Length > HeaderSize + 512)
            return false;
        incarnation = BinaryPrimitives.ReadInt64LittleEndian(payload[8..]);
        pid = BinaryPrimitives.ReadInt32LittleEndian(payload[16..]);
        try
        {
            address = Address.Parse(Encoding.UTF8.GetString(payload[HeaderSize..]));
        }
        catch (FormatException)
        {
            return false;
        }
        return address.Host is not null;
    }
}
