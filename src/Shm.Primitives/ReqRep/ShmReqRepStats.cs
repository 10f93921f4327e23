namespace Shm.Primitives;

/// <summary>
/// A snapshot of a request/response channel's statistics, totalled over every process that used it. Slot counts
/// and <see cref="Queued"/> are a racy snapshot (no lock is taken); counters are diagnostic.
/// </summary>
/// <param name="Queued">Requests waiting in the request queue.</param>
/// <param name="RequestCapacity">Most requests the queue holds.</param>
/// <param name="ResponseSlots">Response slots (the most requests in flight at once).</param>
/// <param name="FreeSlots">Slots free to take.</param>
/// <param name="WaitingSlots">Slots of requests not yet taken by a server.</param>
/// <param name="ProcessingSlots">Slots of requests a server has taken or is replying to.</param>
/// <param name="ReadySlots">Slots holding a reply not yet read.</param>
/// <param name="FailedSlots">Slots of requests whose server died, not yet seen by their client.</param>
/// <param name="Requests">Requests sent.</param>
/// <param name="Received">Requests servers removed from the queue (stale ones included).</param>
/// <param name="Replies">Replies delivered.</param>
/// <param name="StaleReplies">Replies rejected and requests dropped (by a server at receive, or by a sender that found its lane full) because the request was cancelled, abandoned, cleared or reclaimed from a dead client.</param>
/// <param name="Timeouts">Requests abandoned at their deadline.</param>
/// <param name="Cancels">Requests cancelled by their caller.</param>
/// <param name="Recoveries">Repairs after a death: the queue's lock, a dead client's slots, a dead server's requests.</param>
/// <param name="LiveServers">Registered servers whose process is alive.</param>
public readonly record struct ShmReqRepStats(
    long Queued,
    long RequestCapacity,
    int ResponseSlots,
    int FreeSlots,
    int WaitingSlots,
    int ProcessingSlots,
    int ReadySlots,
    int FailedSlots,
    long Requests,
    long Received,
    long Replies,
    long StaleReplies,
    long Timeouts,
    long Cancels,
    long Recoveries,
    int LiveServers);

/// <summary>What a non-blocking send did: the two ways it can fail are told apart.</summary>
public enum ShmSendResult
{
    /// <summary>The request is queued; its id was returned.</summary>
    Sent,

    /// <summary>Every response slot is held by a request in flight (no request was queued).</summary>
    NoFreeSlot,

    /// <summary>The request queue is full (no response slot was kept).</summary>
    QueueFull,
}

/// <summary>How an endpoint waits for a request, a reply or a free slot.</summary>
public enum ShmWaitStrategy
{
    /// <summary>Spin briefly (the answer usually comes within microseconds), then sleep on a futex. The default.</summary>
    SpinThenSleep,

    /// <summary>Sleep on a futex at once: no CPU burnt while waiting, a wake-up system call per hand-off.</summary>
    Sleep,
}

/// <summary>The index of each ReqRep statistic in a participant record's counters (the queue's own come first).</summary>
internal static class ReqRepCounter
{
    public const int Requests = 0; // the queue's Enqueued
    public const int Received = 1; // the queue's Dequeued
    public const int Recoveries = 4; // shared with the queue's own repairs
    public const int Replies = 5;
    public const int StaleReplies = 6;
    public const int Timeouts = 7;
    public const int Cancels = 8;
}
