using System.Collections.Concurrent;

namespace Shm.Hosting;

/// <summary>
/// Well-known actors of the hosted <see cref="Shm.Actors.ActorSystem"/>, keyed by a type (Akka.Hosting's
/// <c>ActorRegistry</c>): register them in <see cref="ShmActorSystemBuilder.WithActors(Action{Shm.Actors.ActorSystem, ActorRegistry})"/>,
/// resolve them anywhere in the application through DI (this registry, or <see cref="IRequiredActor{TKey}"/>).
/// </summary>
/// <remarks>
/// Thread-safe. A key is usually a marker class named after the actor's role. Registration happens while the host
/// starts; code that may run earlier waits with <see cref="GetAsync{TKey}"/>. A registered ref stays registered after its
/// actor stops (watch it if that matters), as in Akka.
/// </remarks>
/// <example><code>
/// public sealed class OrdersKey;
/// builder.WithActors((system, registry) => registry.Register&lt;OrdersKey&gt;(system.ActorOf(Props.Create&lt;Orders&gt;(), "orders")));
/// // later, in any service:
/// public sealed class Checkout(IRequiredActor&lt;OrdersKey&gt; orders) { ... orders.ActorRef.Tell(order); }
/// </code></example>
public sealed class ActorRegistry
{
    private readonly ConcurrentDictionary<Type, IActorRef> _actors = new();
    private readonly ConcurrentDictionary<Type, TaskCompletionSource<IActorRef>> _waiters = new();

    /// <summary>The keys and actors registered so far.</summary>
    public IReadOnlyDictionary<Type, IActorRef> Actors => _actors;

    /// <summary>Registers <paramref name="actor"/> under <typeparamref name="TKey"/>.</summary>
    /// <exception cref="DuplicateActorRegistrationException">Another actor is already registered under that key.</exception>
    public void Register<TKey>(IActorRef actor)
    {
        if (!TryRegister<TKey>(actor))
            throw new DuplicateActorRegistrationException(typeof(TKey), _actors[typeof(TKey)], actor);
    }

    /// <summary>
    /// Registers <paramref name="actor"/> under <typeparamref name="TKey"/>; false when the key is taken and
    /// <paramref name="overwrite"/> is false (the old entry stays).
    /// </summary>
    public bool TryRegister<TKey>(IActorRef actor, bool overwrite = false) => TryRegister(typeof(TKey), actor, overwrite);

    /// <summary>Registers <paramref name="actor"/> under the key type <paramref name="key"/>.</summary>
    public bool TryRegister(Type key, IActorRef actor, bool overwrite = false)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(actor);
        if (overwrite)
            _actors[key] = actor;
        else if (!_actors.TryAdd(key, actor))
            return false;
        // Complete waiters after the entry is visible, so a woken GetAsync and a concurrent TryGet agree.
        if (_waiters.TryRemove(key, out TaskCompletionSource<IActorRef>? waiter))
            waiter.TrySetResult(actor);
        return true;
    }

    /// <summary>The actor registered under <typeparamref name="TKey"/>.</summary>
    /// <exception cref="MissingActorRegistryEntryException">Nothing is registered under that key (yet).</exception>
    public IActorRef Get<TKey>() =>
        _actors.TryGetValue(typeof(TKey), out IActorRef? actor) ? actor : throw new MissingActorRegistryEntryException(typeof(TKey), _actors.Keys);

    /// <summary>The actor registered under <typeparamref name="TKey"/>, if any; never waits.</summary>
    public bool TryGet<TKey>([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IActorRef? actor) => _actors.TryGetValue(typeof(TKey), out actor);

    /// <summary>
    /// The actor registered under <typeparamref name="TKey"/>, waiting for its registration if needed (for services that
    /// start before the actor system has run its <c>WithActors</c> callbacks). Holds no thread while it waits.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task<IActorRef> GetAsync<TKey>(CancellationToken cancellationToken = default)
    {
        Type key = typeof(TKey);
        if (_actors.TryGetValue(key, out IActorRef? actor))
            return Task.FromResult(actor);
        TaskCompletionSource<IActorRef> waiter = _waiters.GetOrAdd(key, static _ => new TaskCompletionSource<IActorRef>(TaskCreationOptions.RunContinuationsAsynchronously));
        // Re-check: a registration between the first look and GetOrAdd found no waiter to complete.
        if (_actors.TryGetValue(key, out actor))
            waiter.TrySetResult(actor);
        return waiter.Task.WaitAsync(cancellationToken);
    }
}
