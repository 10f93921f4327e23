using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Shm.Primitives.Threading;

namespace Shm.Primitives.ReqRep;

// One request of the byte channel's inline lane as it sits in a ShmQueue slot (after the slot's 8-byte sequence, so
// a slot is 192 bytes: three cache lines, of which a request of up to 44 bytes touches only the first):
//
//  offset  size  field     meaning
//       0     8  Id        the RequestId (response slot + generation)
//       8     4  Length    payload bytes, 0..MaxPayload; anything else is refused at receive (a corrupt cell)
//      12   172  Payload   the request's bytes (the rest undefined)

/// <summary>A byte request small enough to travel inline in the lock-free lane, with its id.</summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct InlineRequest
{
    /// <summary>The longest payload the lane carries; longer requests go through the byte queue's arena.</summary>
    public const int MaxPayload = 172;

    public ulong Id;
    public int Length;
    public PayloadBytes Payload;

    /// <summary>A cell holding <paramref name="payload"/> (at most <see cref="MaxPayload"/> bytes) for request <paramref name="id"/>.</summary>
    public static InlineRequest Of(ulong id, ReadOnlySpan<byte> payload)
    {
        Unsafe.SkipInit(out InlineRequest cell);
        cell.Id = id;
        cell.Length = payload.Length;
        payload.CopyTo(cell.Payload);
        return cell;
    }

    /// <summary>The payload; false (and empty) when <see cref="Length"/> is out of range, which only a corrupt cell has.</summary>
    [UnscopedRef]
    public readonly bool TryGetPayload(out ReadOnlySpan<byte> payload)
    {
        bool valid = (uint)Length <= MaxPayload;
        payload = valid ? ((ReadOnlySpan<byte>)Payload)[..Length] : default;
        return valid;
    }

    /// <summary>Writes a request into a lane slot in place: its id, length and only the payload bytes it has.</summary>
    public readonly ref struct Writer(ulong id, ReadOnlySpan<byte> payload) : ISlotWriter<InlineRequest>
    {
        private readonly ReadOnlySpan<byte> _payload = payload;

        public void WriteTo(ref InlineRequest slot)
        {
            slot.Id = id;
            slot.Length = _payload.Length;
            _payload.CopyTo(slot.Payload);
        }
    }

    [InlineArray(MaxPayload)]
    internal struct PayloadBytes
    {
        private byte _first;
    }
}
