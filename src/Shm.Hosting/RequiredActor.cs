namespace Shm.Hosting;

/// <summary>The DI implementation of <see cref="IRequiredActor{TKey}"/>: a view of the registry for one key.</summary>
internal sealed class RequiredActor<TKey>(ActorRegistry registry) : IRequiredActor<TKey>
{
    public IActorRef ActorRef => registry.Get<TKey>();

    public Task<IActorRef> GetAsync(CancellationToken cancellationToken = default) => registry.GetAsync<TKey>(cancellationToken);
}
