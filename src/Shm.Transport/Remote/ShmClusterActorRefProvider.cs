using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Event;
using Akka.Cluster;
using Akka.Remote;

namespace Shm.Transport.Remote;

/// <summary>
/// Akka.Cluster's provider with the direct path of <see cref="ShmRemoteActorRefProvider"/>: members on this box's shm
/// nodes are reached straight through their inbox rings, and Akka.Cluster (gossip, heartbeats, downing) works as
/// always. Select it with <c>akka.actor.provider = "Shm.Transport.Remote.ShmClusterActorRefProvider, Shm.Transport"</c>.
/// </summary>
public sealed class ShmClusterActorRefProvider : ClusterActorRefProvider
{
    private DirectPath? _direct;

    /// <summary>Created by the actor system from <c>akka.actor.provider</c>.</summary>
    public ShmClusterActorRefProvider(string systemName, Settings settings, EventStream eventStream) : base(systemName, settings, eventStream)
    {
    }

    /// <inheritdoc />
    public override void Init(ActorSystemImpl system)
    {
        _direct = new DirectPath(system, RemoteSettings);
        base.Init(system);
    }

    /// <summary>Messages of the direct path that became dead letters (their node was down, or its link's buffer full).</summary>
    public long DirectDeadLetters => _direct?.DeadLetters ?? 0;

    /// <inheritdoc />
    protected override IInternalActorRef CreateRemoteRef(ActorPath actorPath, Address localAddress) =>
        _direct?.TryCreate(Transport, actorPath, localAddress) ?? base.CreateRemoteRef(actorPath, localAddress);
}
