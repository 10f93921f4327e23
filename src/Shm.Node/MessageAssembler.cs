using System.Buffers;

namespace Shm.Node;

/// <summary>How one inbox cell added to <see cref="MessageAssembler"/> ended.</summary>
internal enum AssemblyStep
{
    /// <summary>A message is complete: deliver it, then hand its buffer back (<see cref="MessageAssembler.Return"/>).</summary>
    Complete,

    /// <summary>The cell was a share of a message that goes on in later cells.</summary>
    Incomplete,

    /// <summary>The cell did not fit what came before (or was out of range): skipped, and what it belonged to is dropped.</summary>
    Corrupt,
}

/// <summary>
/// The inbox reader's reassembly of messages longer than one <see cref="InboxCell"/>: at most one per origin is in
/// flight (see InboxCell's layout), so the shares of each are collected by origin, checked against the length its
/// first cell announced. Used by the reader's thread only.
/// </summary>
internal sealed class MessageAssembler(int maxMessageBytes)
{
    private readonly Dictionary<long, Partial> _partials = [];

    /// <summary>Messages begun and not finished (their origin may still be writing the rest).</summary>
    public int InFlight => _partials.Count;

    /// <summary>Adds one share of a multi-cell message (<paramref name="flags"/> has More or Continued).</summary>
    public AssemblyStep Add(long origin, ushort flags, int messageLength, ReadOnlySpan<byte> share, out byte[] message)
    {
        message = [];
        Partial? partial;
        if ((flags & InboxCell.Continued) == 0)
        {
            // A beginning. The origin still owing the rest of an earlier one cannot begin another: the ring is not
            // what a writer made, so neither is kept.
            if (Forget(origin) || (flags & InboxCell.More) == 0 || share.Length != InboxCell.MaxPayload || messageLength <= share.Length || messageLength > maxMessageBytes)
                return AssemblyStep.Corrupt;
            partial = new Partial(ArrayPool<byte>.Shared.Rent(messageLength), messageLength);
            share.CopyTo(partial.Buffer);
            partial.Filled = share.Length;
            _partials[origin] = partial;
            return AssemblyStep.Incomplete;
        }
        if (!_partials.TryGetValue(origin, out partial))
            return AssemblyStep.Corrupt;
        int filled = partial.Filled + share.Length;
        bool last = (flags & InboxCell.More) == 0;
        if (partial.Length != messageLength || filled > partial.Length || last != (filled == partial.Length)
            || (!last && share.Length != InboxCell.MaxPayload))
        {
            Forget(origin);
            return AssemblyStep.Corrupt;
        }
        share.CopyTo(partial.Buffer.AsSpan(partial.Filled));
        partial.Filled = filled;
        if (!last)
            return AssemblyStep.Incomplete;
        _partials.Remove(origin);
        message = partial.Buffer;
        return AssemblyStep.Complete;
    }

    /// <summary>Hands back the buffer of a delivered message.</summary>
    public static void Return(byte[] message) => ArrayPool<byte>.Shared.Return(message);

    /// <summary>Drops what <paramref name="origin"/> left unfinished (it went down, or its cells stopped making sense).</summary>
    /// <returns>Whether there was such a message.</returns>
    public bool Forget(long origin)
    {
        if (!_partials.Remove(origin, out Partial? partial))
            return false;
        Return(partial.Buffer);
        return true;
    }

    private sealed class Partial(byte[] buffer, int length)
    {
        public readonly byte[] Buffer = buffer;
        public readonly int Length = length;
        public int Filled;
    }
}
