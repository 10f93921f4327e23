using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;
using Shm.Primitives;

using Shm.Transport.Remote;

namespace Shm.Actors.Mailboxes;

/// <summary>
/// The shared-memory mailbox for Akka.NET actors: an actor deployed with it gets a named ring (a
/// <see cref="ShmByteQueue"/>) as its mailbox. Senders on the other shm nodes of the box write straight into the ring
/// (the direct path's <c>Tell</c> skips the node's inbox), and what the ring holds survives the process that owns the
/// actor: the actor created again at the same path on a node of the same name (a replacement after a kill -9) goes on
/// with the messages still in it.
/// </summary>
/// <remarks>
/// <para><b>Delivery.</b> In the order messages entered the ring, each sender's in the order it sent them. A message
/// leaves the ring only when the actor takes the next one (or stops), so a kill of the owner while a message is in
/// hand delivers that message again to the replacement: at-least-once for the message in hand, exactly once for the
/// rest. Messages are serialized even between actors of one process (they must be serializable with Akka's
/// serialization), except the messages Akka handles itself (<c>PoisonPill</c>, <c>Kill</c>, <c>Identify</c>,
/// <c>Terminated</c>): those stay in the owner's process, their place in line marked in the ring, and do not survive it.</para>
/// <para>Stopping the actor leaves its messages in the ring for the next actor at its path (Akka's mailboxes turn
/// them into dead letters); a full ring turns further messages into dead letters. It needs the direct-path provider
/// (<see cref="ShmRemoteActorRefProvider"/> or <see cref="ShmClusterActorRefProvider"/>) and the akka.remote.shm transport.</para>
/// <para>Keys of its block: <c>capacity</c> (messages, default 8192), <c>arena-bytes</c> (default 64 bytes a message).</para>
/// </remarks>
/// <example><code>
/// shm-mailbox { mailbox-type = "Shm.Actors.Mailboxes.ShmMailboxType, Shm.Actors", capacity = 65536 }
/// system.ActorOf(Props.Create&lt;Worker&gt;().WithMailbox("shm-mailbox"), "worker-1");
/// </code></example>
public sealed class ShmMailboxType : MailboxType
{
    /// <summary>The type's name, as a <c>mailbox-type</c> key names it.</summary>
    public static readonly string TypeName = $"{typeof(ShmMailboxType).FullName}, {typeof(ShmMailboxType).Assembly.GetName().Name}";

    /// <summary>The fewest messages a mailbox ring holds.</summary>
    public const long MinCapacity = 2;

    /// <summary>The most messages a mailbox ring holds (4,194,304).</summary>
    public const long MaxCapacity = 1L << 22;

    private readonly long _capacity;
    private readonly long _arenaBytes;

    /// <summary>Created by Akka's mailbox configuration from the block that names this type.</summary>
    /// <exception cref="ConfigurationException">A key is out of range (the message names it and its limit).</exception>
    public ShmMailboxType(Settings settings, Config config) : base(settings, config)
    {
        _capacity = config.GetLong("capacity", 8192);
        if (_capacity is < MinCapacity or > MaxCapacity)
            throw new ConfigurationException($"The shm mailbox's capacity is {_capacity}; it must be {MinCapacity}..{MaxCapacity}.");
        _arenaBytes = config.GetByteSize("arena-bytes", null) ?? 0;
        if (_arenaBytes < 0)
            throw new ConfigurationException($"The shm mailbox's arena-bytes is {_arenaBytes}; it must be 0 (64 bytes a message) or more.");
    }

    /// <summary>Opens (or creates) the ring of <paramref name="owner"/>'s path on this node and serves it as the actor's queue.</summary>
    /// <exception cref="ConfigurationException">The system does not run the direct-path provider over akka.remote.shm.</exception>
    public override IMessageQueue Create(IActorRef owner, ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentNullException.ThrowIfNull(system);
        var extended = (ExtendedActorSystem)system;
        if (extended.Provider is not IDirectPathProvider { Direct: { } direct } || SharedMemoryTransport.Of(system.EventStream) is not { } transport)
            throw new ConfigurationException(
                $"The shm mailbox of {owner.Path} needs akka.actor.provider = \"{typeof(ShmRemoteActorRefProvider).FullName}, Shm.Transport\" (or the cluster one) with akka.remote.shm enabled.");
        string name = MailboxRingName.For(system.Name, transport.NodeName, owner.Path.ToStringWithoutAddress());
        var ring = ShmByteQueue.CreateOrOpen(name, _capacity, _arenaBytes, SegmentOptions.Default with { Directory = transport.SegmentDirectory });
        return new SharedMemoryMessageQueue(owner, extended, direct, ring);
    }
}
