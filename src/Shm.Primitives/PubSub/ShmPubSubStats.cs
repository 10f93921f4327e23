namespace Shm.Primitives;

/// <summary>A snapshot of a broadcast ring's statistics, totalled over every process that published to it.</summary>
/// <param name="WritePosition">Positions ever claimed (messages published, dropped or lost in holes).</param>
/// <param name="Capacity">Slots.</param>
/// <param name="Published">Messages written and committed.</param>
/// <param name="Dropped">Messages a publisher dropped because an older, live publisher still held their slot.</param>
/// <param name="Abandoned">Slots found held by a dead publisher and abandoned.</param>
/// <param name="SleepingSubscribers">Subscribers currently registered to sleep.</param>
public readonly record struct ShmPubSubStats(long WritePosition, long Capacity, long Published, long Dropped, long Abandoned, long SleepingSubscribers);
