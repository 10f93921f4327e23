using Shm.Actors;

namespace Shm.Transport.Remoting;

/// <summary>
/// The provider a system with the shm transport resolves paths with: its own address goes to the local provider,
/// <c>shm://system@otherNode/…</c> to a <see cref="RemoteActorRef"/>, anything else to dead letters.
/// </summary>
internal sealed class RemoteActorRefProvider : IActorRefProvider
{
    private readonly IActorRefProvider _local;

    public RemoteActorRefProvider(ActorSystem system, IActorRefProvider local, ShmTransportOptions options)
    {
        _local = local;
        Transport = new ShmTransportNode(system, this, local, options);
        system.RegisterOnTermination(Transport.Dispose);
    }

    public ShmTransportNode Transport { get; }

    public Address DefaultAddress => _local.DefaultAddress;

    public ActorPath RootPath => _local.RootPath;

    public IActorRef DeadLetters => _local.DeadLetters;

    public IActorRef Guardian => _local.Guardian;

    public IActorRef SystemGuardian => _local.SystemGuardian;

    public ActorPath TempPath() => _local.TempPath();

    public IActorRef ResolveActorRef(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        Address address = path.Address;
        if (address == DefaultAddress)
            return _local.ResolveActorRef(path);
        if (address.Protocol == DefaultAddress.Protocol && address.System == DefaultAddress.System && address.Host is not null && address.Port is null)
            return Transport.RemoteRefFor(path);
        return DeadLetters;
    }

    public IActorRef ResolveActorRef(string path) =>
        ActorPath.TryParse(path, out ActorPath? parsed) ? ResolveActorRef(parsed) : DeadLetters;
}
