namespace Shm.Primitives.Threading;

/// <summary>What a gate decides about one message at the front of a queue, before the commit that removes it.</summary>
internal enum GateDecision
{
    /// <summary>Remove it and count it as taken.</summary>
    Take,

    /// <summary>Remove it without counting it (it was stale).</summary>
    Drop,

    /// <summary>Leave it, and everything after it, in the queue.</summary>
    Stop,
}

/// <summary>Sees each message a gated dequeue is about to remove, in place, under the queue's lock.</summary>
internal interface IDequeueGate
{
    GateDecision Decide(ReadOnlySpan<byte> message);
}

/// <summary>Sees each item a gated dequeue of a typed queue took, before its slot is released.</summary>
internal interface IDequeueGate<T>
{
    void OnTaken(in T item);
}
