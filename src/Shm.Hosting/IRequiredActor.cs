namespace Shm.Hosting;

/// <summary>
/// An actor of the <see cref="ActorRegistry"/> injected by its key type (Akka.Hosting's <c>IRequiredActor&lt;TKey&gt;</c>):
/// ask for <c>IRequiredActor&lt;OrdersKey&gt;</c> in a constructor instead of the registry.
/// </summary>
/// <typeparam name="TKey">The key the actor was registered under.</typeparam>
public interface IRequiredActor<TKey>
{
    /// <summary>The actor; throws <see cref="MissingActorRegistryEntryException"/> if it is not registered yet (see <see cref="GetAsync"/>).</summary>
    IActorRef ActorRef { get; }

    /// <summary>The actor, waiting for its registration if the actor system has not registered it yet.</summary>
    Task<IActorRef> GetAsync(CancellationToken cancellationToken = default);
}
