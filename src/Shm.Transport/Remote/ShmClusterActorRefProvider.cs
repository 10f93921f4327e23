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
public sealed class ShmClusterActorRefProvider : ClusterActorRefProvider, IActorRefProvider, IDirectPathProvider
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
        _direct.Start();
    }

    DirectPath? IDirectPathProvider.Direct => _direct;

    /// <summary>Messages of the direct path that became dead letters (their node was down, or its link's buffer full).</summary>
    public long DirectDeadLetters => _direct?.DeadLetters ?? 0;

    /// <inheritdoc />
    protected override IInternalActorRef CreateRemoteRef(ActorPath actorPath, Address localAddress) =>
        _direct?.TryCreate(Transport, actorPath, localAddress) ?? base.CreateRemoteRef(actorPath, localAddress);

    // Akka's Ask takes its temporary ref from here; the provider it derives from implements this without virtual, so
    // the interface is implemented again for asks to direct refs to go through response slots.
    FutureActorRef<T> IActorRefProvider.CreateFutureRef<T>(TaskCompletionSource<T> tcs) =>
        _direct is { } direct ? direct.CreateFutureRef(this, tcs) : CreateFutureRef(tcs);
}
