namespace Shm.Primitives;

/// <summary>How a broadcast ring treats subscribers that fall behind; chosen when the ring is created.</summary>
public enum ShmPubSubMode
{
    /// <summary>Publishing never waits; a subscriber more than Capacity behind loses the oldest messages (and is told).</summary>
    Overwrite = 0,

    /// <summary>
    /// Subscribers register in the segment; publishing waits (or returns false) while the slowest registered subscriber
    /// is a full ring behind, so registered subscribers lose nothing. A registered subscriber whose process died is
    /// unregistered automatically.
    /// </summary>
    Backpressure = 1,
}
