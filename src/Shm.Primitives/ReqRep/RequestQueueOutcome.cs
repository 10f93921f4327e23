namespace Shm.Primitives.ReqRep;

/// <summary>What putting one request into a channel's request queue did; each failure names the lane that was full.</summary>
internal enum RequestQueueOutcome
{
    /// <summary>The request is queued.</summary>
    Queued,

    /// <summary>Typed channel: its request queue is full.</summary>
    QueueFull,

    /// <summary>
    /// Byte channel, a short request: the short-request lane is full and at least as many requests as it holds
    /// wait for a server, so it was not sent through the arena instead.
    /// </summary>
    LaneFull,

    /// <summary>Byte channel, a short request: the short-request lane is full and the arena queue had no room for it either.</summary>
    LaneAndArenaFull,

    /// <summary>Byte channel, a long request: the arena queue is full (its message count or its bytes).</summary>
    ArenaFull,
}
