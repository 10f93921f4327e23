using Shm.Actors;
using Shm.Transport.Remoting;

namespace Shm.Transport;

/// <summary>Turns the shared-memory transport on for an actor system.</summary>
public static class ShmTransportSettings
{
    /// <summary>
    /// Settings whose system joins the node directory of its name as node <see cref="ShmTransportOptions.NodeName"/>,
    /// receives through its own inbox ring and resolves <c>shm://system@node/…</c> paths of other processes to remote refs.
    /// </summary>
    /// <example><code>
    /// var options = new ShmTransportOptions { NodeName = "worker-1" };
    /// using ActorSystem system = ActorSystem.Create("cluster", ActorSystemSettings.Default.WithShmTransport(options));
    /// system.ActorSelection("shm://cluster@coordinator/user/jobs").Tell(new Ready());
    /// </code></example>
    /// <exception cref="ArgumentException">An option is invalid (the message names it and its limit).</exception>
    public static ActorSystemSettings WithShmTransport(this ActorSystemSettings settings, ShmTransportOptions options)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return settings.WithMailbox(Mailboxes.ShmMailbox.Id, new Mailboxes.ShmMailbox(options)) with
        {
            Node = options.NodeName,
            ProviderFactory = (system, local) => new RemoteActorRefProvider(system, local, options),
        };
    }
}
