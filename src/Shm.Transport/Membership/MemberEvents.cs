using Shm.Actors;

namespace Shm.Transport;

/// <summary>
/// Published on the local <see cref="ActorSystem.EventStream"/> when another node of the system joins (or is first seen
/// after this node joined). Subscribe with <c>system.EventStream.Subscribe&lt;MemberUp&gt;(actor)</c>.
/// </summary>
/// <param name="Address">The node's address, <c>shm://system@node</c>.</param>
/// <param name="Incarnation">Which join of that node name this is: a restarted node comes back with a new one.</param>
/// <param name="ProcessId">The node's process id.</param>
public sealed record MemberUp(Address Address, long Incarnation, int ProcessId);

/// <summary>
/// Published on the local event stream when another node leaves (its system terminated) or dies (its process exited,
/// e.g. kill -9: reported as soon as the kernel reports the exit, typically within a millisecond).
/// </summary>
/// <param name="Address">The node's address.</param>
/// <param name="Incarnation">The incarnation that went down.</param>
/// <param name="Died">True when the process exited without leaving (a crash or a kill); false for a clean leave.</param>
public sealed record MemberDown(Address Address, long Incarnation, bool Died);
