namespace Shm.Primitives.Diagnostics;

/// <summary>The name of every fault point, so a crash campaign can enumerate them.</summary>
internal static class FaultPoints
{
    /// <summary>ShmQueue: a producer owns a slot (tail advanced), its value not yet committed.</summary>
    public const string QueuePushClaimed = "queue.push.claimed";

    /// <summary>ShmQueue: a consumer owns a slot (head advanced), the slot not yet released.</summary>
    public const string QueuePopClaimed = "queue.pop.claimed";

    /// <summary>ShmQueue.EnqueueMany: a batch of slots claimed, none committed.</summary>
    public const string QueuePushManyClaimed = "queue.pushmany.claimed";

    /// <summary>ShmQueue.DequeueMany: a batch of slots claimed, none released.</summary>
    public const string QueuePopManyClaimed = "queue.popmany.claimed";

    public static readonly IReadOnlyList<string> All =
    [
        QueuePushClaimed,
        QueuePopClaimed,
        QueuePushManyClaimed,
        QueuePopManyClaimed,
    ];
}
