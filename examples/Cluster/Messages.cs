using Shm.Actors;

namespace Shm.Examples.Cluster;

/// <summary>A job: burn about <paramref name="WorkMicroseconds"/> of CPU on <paramref name="Id"/>, then report to <paramref name="ReportTo"/>.</summary>
public sealed record Job(int Id, int WorkMicroseconds, IActorRef ReportTo);

/// <summary>Job <paramref name="Id"/> is done on <paramref name="Node"/>; <paramref name="Checksum"/> proves the work was done.</summary>
public sealed record JobDone(int Id, string Node, long Checksum);

/// <summary>Sent into a worker's job ring after a restart: everything queued before it has been processed when it comes back.</summary>
public sealed record Fence(long Token, IActorRef ReportTo);

/// <summary>The fence <paramref name="Token"/> went through <paramref name="Node"/>'s job ring.</summary>
public sealed record FenceDone(long Token, string Node);

/// <summary>Asked of a worker's stats actor.</summary>
public sealed record GetStats;

/// <summary>A worker's statistics (the reply to <see cref="GetStats"/>).</summary>
public sealed record WorkerStats(string Node, long Processed, long Incarnation, double CpuSeconds);

/// <summary>Published by every worker on the "progress" topic a few times a second.</summary>
public sealed record WorkerProgress(string Node, long Processed);
