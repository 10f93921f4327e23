namespace Shm.Primitives;

/// <summary>
/// Identifies one request of a <see cref="ShmReqRepClient"/> / <see cref="ShmReqRepServer"/> channel (or the
/// typed pair): the response slot it holds and that slot's generation when it was taken. A reply, read or cancel
/// with an id whose generation no longer matches its slot (cancelled, cleared, already read, recycled) is
/// rejected, never applied to the slot's next request.
/// </summary>
public readonly record struct RequestId
{
    /// <summary>Wraps a value previously read from <see cref="Value"/> (e.g. carried in a message).</summary>
    public RequestId(ulong value) => Value = value;

    internal RequestId(int slot, uint generation) => Value = ((ulong)generation << 32) | (uint)slot;

    /// <summary>The raw 64-bit id: generation in the high half, slot in the low half. Never 0 for a real request.</summary>
    public ulong Value { get; }

    /// <summary>The response slot the request holds.</summary>
    public int Slot => (int)(uint)Value;

    /// <summary>The slot's generation when the request took it.</summary>
    public uint Generation => (uint)(Value >> 32);

    /// <summary>Slot and generation, for logs.</summary>
    public override string ToString() => $"{Slot}#{Generation}";
}
