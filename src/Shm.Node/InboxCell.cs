using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Shm.Primitives.Threading;

namespace Shm.Node;

// One cell of a node's inbox, a ShmQueue<InboxCell> (many writers, one reader). It sits after the slot's 8-byte
// sequence, so a slot is 256 bytes, four cache lines; a writer touches only the lines its bytes reach (an envelope of
// up to 40 bytes: one line).
//
//  offset  size  field          meaning
//       0     8  Origin         the incarnation of the node that wrote it (how the reader routes it)
//       8     2  Length         bytes of Payload this cell carries, 0..MaxPayload
//      10     2  Flags          0: a whole message; More: the message goes on in a later cell of the same origin;
//                               Continued: it began in an earlier one (a middle cell has both)
//      12     4  MessageLength  bytes of the whole message (equal to Length for a whole message)
//      16   232  Payload        the message's bytes, or this cell's share of them (the rest undefined)
//
// A message longer than MaxPayload travels as consecutive cells of its origin, in order; other origins' cells (and
// short messages of the same origin from concurrent senders) may sit between them. One origin has at most one such
// message in flight at a time (its OutboundLink pushes them one by one), so the reader reassembles by origin.
// Anything out of range (a length, a flag, a continuation without a beginning) is a corrupt cell: skipped and counted.

/// <summary>A node's inbox cell: a whole message of up to <see cref="MaxPayload"/> bytes, or one share of a longer one.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct InboxCell
{
    /// <summary>The most bytes of a message one cell carries; a longer message takes several.</summary>
    public const int MaxPayload = 232;

    /// <summary>Flag: the message goes on in a later cell.</summary>
    public const ushort More = 1;

    /// <summary>Flag: the message began in an earlier cell.</summary>
    public const ushort Continued = 2;

    public long Origin;
    public ushort Length;
    public ushort Flags;
    public int MessageLength;
    public PayloadBytes Payload;

    /// <summary>Cells a message of <paramref name="length"/> bytes takes.</summary>
    public static long CellsFor(int length) => length <= MaxPayload ? 1 : (length + MaxPayload - 1) / MaxPayload;

    /// <summary>This cell's payload; false (and empty) when <see cref="Length"/> is out of range, which only a corrupt cell has.</summary>
    [UnscopedRef]
    public readonly bool TryGetPayload(out ReadOnlySpan<byte> payload)
    {
        bool valid = Length <= MaxPayload;
        payload = valid ? ((ReadOnlySpan<byte>)Payload)[..Length] : default;
        return valid;
    }

    /// <summary>Writes one cell in place: the header and only the payload bytes it carries.</summary>
    public readonly ref struct Writer(long origin, ushort flags, int messageLength, ReadOnlySpan<byte> share) : ISlotWriter<InboxCell>
    {
        private readonly ReadOnlySpan<byte> _share = share;

        /// <summary>A whole message of at most <see cref="MaxPayload"/> bytes.</summary>
        public Writer(long origin, ReadOnlySpan<byte> message) : this(origin, 0, message.Length, message)
        {
        }

        public void WriteTo(ref InboxCell slot)
        {
            slot.Origin = origin;
            slot.Length = (ushort)_share.Length;
            slot.Flags = flags;
            slot.MessageLength = messageLength;
            _share.CopyTo(slot.Payload);
        }
    }

    [InlineArray(MaxPayload)]
    internal struct PayloadBytes
    {
        private byte _first;
    }
}
