using Akka.Actor;

namespace Shm.Examples.Cluster;

// The messages between the coordinator and the workers. They cross processes, so they are serialized with Akka's
// serialization: ClusterMessageSerializer, bound to IClusterMessage; an IActorRef field travels as its path.

/// <summary>A job: burn about <paramref name="WorkMicroseconds"/> of CPU on <paramref name="Id"/>, then report to the sender.</summary>
public sealed record Job(int Id, int WorkMicroseconds) : IClusterMessage;

/// <summary>Job <paramref name="Id"/> is done on <paramref name="Node"/>; <paramref name="Checksum"/> proves the work was done.</summary>
public sealed record JobDone(int Id, string Node, long Checksum) : IClusterMessage;

/// <summary>Sent to a replacement worker's job actor: everything queued before it has been processed when it comes back.</summary>
public sealed record Fence(long Token) : IClusterMessage;

/// <summary>The fence <paramref name="Token"/> went through <paramref name="Node"/>'s job mailbox.</summary>
public sealed record FenceDone(long Token, string Node) : IClusterMessage;

/// <summary>A worker whose actors exist: the coordinator watches <paramref name="Jobs"/> and asks <paramref name="Stats"/>.</summary>
public sealed record RegisterWorker(string Node, long Incarnation, IActorRef Jobs, IActorRef Stats) : IClusterMessage;

/// <summary>The coordinator's answer to <see cref="RegisterWorker"/> (the worker sends it again until this comes).</summary>
public sealed record WorkerRegistered(long Incarnation) : IClusterMessage;

/// <summary>Asked of a worker's stats actor.</summary>
public sealed record GetStats : IClusterMessage;

/// <summary>A worker's statistics (the reply to <see cref="GetStats"/>).</summary>
public sealed record WorkerStats(string Node, long Processed, long Incarnation, double CpuSeconds) : IClusterMessage;

/// <summary>Published by every worker on the "progress" topic a few times a second (<paramref name="Incarnation"/>: its pid).</summary>
public sealed record WorkerProgress(string Node, long Incarnation, long Processed) : IClusterMessage;
