using System.Buffers;
using System.Buffers.Binary;
using Shm.Node;

namespace Shm.Transport.Remote;

// A frame of the akka.remote.shm transport: one message of the node link between two nodes (one message of the
// receiver's inbox, see InboxCell). Every Akka association between the two nodes shares that one link, which keeps the
// order of what one node writes to the other and reassembles long messages; the frame says which association it is for.
//
//  offset  size  field    meaning
//       0     1  Kind     1 Open: the sender opens association Number; 2 Payload: Akka's bytes for it; 3 Close: the
//                         sender closed it (the receiver tells its side Disassociated); 4 Envelope: a direct-path
//                         message, whose layout after this byte is DirectEnvelope's (no Opener, no Number)
//       1     1  Opener   0: the association was opened by the sender of this frame; 1: by its receiver
//       2     4  Number   the association's number among those its opener opened to this peer (little-endian, > 0)
//       6     *  Payload  Payload frames only: the bytes Akka wrote (its PDU), opaque here
//
// Who opened an association and its number name it on both sides: (opened here, Number) is unique per peer incarnation.
// A frame that is too short, has another kind or opener, or a Number ≤ 0 is corrupt: skipped and counted.

/// <summary>What a frame of the shm transport carries (see the layout above).</summary>
internal enum LinkFrameKind : byte
{
    /// <summary>The sender opens an association.</summary>
    Open = 1,

    /// <summary>Akka's bytes for an open association.</summary>
    Payload = 2,

    /// <summary>The sender closed the association.</summary>
    Close = 3,

    /// <summary>A direct-path message: an Akka message for an actor of the receiving node (see DirectEnvelope), no association.</summary>
    Envelope = 4,
}

/// <summary>Writes and reads the shm transport's frames (the layout above).</summary>
internal static class LinkFrame
{
    /// <summary>Bytes before the payload.</summary>
    public const int HeaderSize = 6;

    private const int KindOffset = 0;
    private const int OpenerOffset = 1;
    private const int NumberOffset = 2;
    private const byte OpenedBySender = 0;
    private const byte OpenedByReceiver = 1;

    /// <summary>The kind of a frame that arrived, before anything else is read (an Envelope has a layout of its own).</summary>
    public static LinkFrameKind KindOf(ReadOnlySpan<byte> frame) => frame.IsEmpty ? default : (LinkFrameKind)frame[KindOffset];

    /// <summary>Frames of up to this many bytes are built on the stack; longer ones in a pooled buffer.</summary>
    private const int StackFrameBytes = 512;

    /// <summary>
    /// Writes a frame to <paramref name="link"/>: the header for association (<paramref name="openedHere"/>,
    /// <paramref name="number"/>), then <paramref name="payload"/>. False when the link refused it (the peer is down, or
    /// the link's buffer is full).
    /// </summary>
    public static bool Send(NodeLink link, LinkFrameKind kind, bool openedHere, int number, ReadOnlySpan<byte> payload)
    {
        int length = HeaderSize + payload.Length;
        byte[]? rented = null;
        Span<byte> frame = length <= StackFrameBytes ? stackalloc byte[StackFrameBytes] : (rented = ArrayPool<byte>.Shared.Rent(length));
        try
        {
            frame[KindOffset] = (byte)kind;
            // The receiver reads the opener from its own side: what this node opened, the receiver did not.
            frame[OpenerOffset] = openedHere ? OpenedBySender : OpenedByReceiver;
            BinaryPrimitives.WriteInt32LittleEndian(frame[NumberOffset..], number);
            payload.CopyTo(frame[HeaderSize..]);
            return link.Write(frame[..length]);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Reads a frame that arrived from the peer; false when it is corrupt (out of range anywhere).
    /// <paramref name="openedHere"/> is from the receiver's side: whether this node opened the association.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> frame, out LinkFrameKind kind, out bool openedHere, out int number, out ReadOnlySpan<byte> payload)
    {
        kind = default;
        openedHere = false;
        number = 0;
        payload = default;
        if (frame.Length < HeaderSize)
            return false;
        kind = (LinkFrameKind)frame[KindOffset];
        byte opener = frame[OpenerOffset];
        number = BinaryPrimitives.ReadInt32LittleEndian(frame[NumberOffset..]);
        if (kind is not (LinkFrameKind.Open or LinkFrameKind.Payload or LinkFrameKind.Close) || opener > OpenedByReceiver || number <= 0)
            return false;
        // Only the opener sends Open, so an Open names an association its receiver did not open; anything else with no
        // payload but a payload frame is malformed too.
        if (kind == LinkFrameKind.Open && opener != OpenedBySender || kind != LinkFrameKind.Payload && frame.Length != HeaderSize)
            return false;
        openedHere = opener == OpenedByReceiver;
        payload = frame[HeaderSize..];
        return true;
    }
}
