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
    /// <summary>Whether the dequeue copies the item out; false leaves reading it to <see cref="OnTaken"/>, in place.</summary>
    bool CopiesItem { get; }

    /// <summary>
    /// Whether the item at the front may be taken; seen in place before the claim (it may be torn by a racing
    /// consumer: a refusal counts only if the front has not moved meanwhile). False leaves it queued.
    /// </summary>
    bool Admits(in T item);

    /// <summary>Sees the taken item in place (in the slot), before the slot is released.</summary>
    /// <returns>Whether it counts as dequeued (false: taken only to be dropped).</returns>
    bool OnTaken(in T item);
}

/// <summary>Writes an item into a typed queue's slot in place, between the claim and the commit.</summary>
internal interface ISlotWriter<T>
{
    void WriteTo(ref T slot);
}
