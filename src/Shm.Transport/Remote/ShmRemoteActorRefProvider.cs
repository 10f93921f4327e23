using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Event;
using Akka.Remote;

namespace Shm.Transport.Remote;

/// <summary>
/// Akka.Remote's provider with the direct path: refs to actors of the other shm nodes of this box write a <c>Tell</c>
/// straight into the target node's inbox ring instead of going through Akka.Remote's endpoint pipeline; every other ref
/// (other transports, other boxes, remote deployment) is Akka's own. Select it with
/// <c>akka.actor.provider = "Shm.Transport.Remote.ShmRemoteActorRefProvider, Shm.Transport"</c> (and
/// <see cref="ShmClusterActorRefProvider"/> for Akka.Cluster) with the akka.remote.shm transport enabled.
/// </summary>
/// <remarks>What the direct path keeps of Akka's guarantees is in the README ("The direct path").</remarks>
public sealed class ShmRemoteActorRefProvider : RemoteActorRefProvider, IActorRefProvider, IDirectPathProvider
{
    private DirectPath? _direct;

    /// <summary>Created by the actor system from <c>akka.actor.provider</c>.</summary>
    public ShmRemoteActorRefProvider(string systemName, Settings settings, EventStream eventStream) : base(systemName, settings, eventStream)
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
