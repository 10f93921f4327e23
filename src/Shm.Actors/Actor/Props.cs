using System.Linq.Expressions;

namespace Shm.Actors;

/// <summary>
/// An immutable recipe for an actor: how to build an instance (re-run on every restart) and where it runs (mailbox,
/// dispatcher, supervisor strategy for its children). <c>With…</c> methods return copies.
/// </summary>
/// <example><code>
/// IActorRef greeter = system.ActorOf(Props.Create(() => new Greeter("Hello")), "greeter");
/// IActorRef worker = Context.ActorOf(Props.Create&lt;Worker&gt;().WithMailbox("bounded"), "worker");
/// </code></example>
public sealed class Props
{
    private readonly Func<ActorBase> _factory;

    private Props(Type type, Func<ActorBase> factory, string? mailbox, string? dispatcher, SupervisorStrategy? supervisorStrategy)
    {
        Type = type;
        _factory = factory;
        Mailbox = mailbox;
        Dispatcher = dispatcher;
        SupervisorStrategy = supervisorStrategy;
    }

    /// <summary>The actor's type.</summary>
    public Type Type { get; }

    /// <summary>The mailbox id (see <see cref="ActorSystemSettings.Mailboxes"/>), or null for the default mailbox.</summary>
    public string? Mailbox { get; }

    /// <summary>The dispatcher id (see <see cref="ActorSystemSettings.Dispatchers"/>), or null for the default dispatcher.</summary>
    public string? Dispatcher { get; }

    /// <summary>The strategy the actor applies to its children, overriding its own <c>SupervisorStrategy()</c>; null to keep that.</summary>
    public SupervisorStrategy? SupervisorStrategy { get; }

    /// <summary>Props for <typeparamref name="TActor"/> built with the constructor matching <paramref name="args"/> (by reflection).</summary>
    public static Props Create<TActor>(params object?[] args) where TActor : ActorBase => Create(typeof(TActor), args);

    /// <summary>Props whose factory is <paramref name="factory"/>, e.g. <c>() =&gt; new Worker(id)</c>; it runs again on every restart.</summary>
    public static Props Create<TActor>(Expression<Func<TActor>> factory) where TActor : ActorBase
    {
        ArgumentNullException.ThrowIfNull(factory);
        Func<TActor> compiled = factory.Compile();
        return new Props(typeof(TActor), compiled, null, null, null);
    }

    /// <summary>Props for <paramref name="type"/> built with the constructor matching <paramref name="args"/> (by reflection).</summary>
    /// <exception cref="ArgumentException"><paramref name="type"/> is not a concrete actor type.</exception>
    public static Props Create(Type type, params object?[] args)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!typeof(ActorBase).IsAssignableFrom(type) || type.IsAbstract)
            ThrowHelper.ThrowNotActorType(type);
        object?[] captured = args ?? [];
        return new Props(type, () => CreateByReflection(type, captured), null, null, null);
    }

    /// <summary>A copy that uses the mailbox registered as <paramref name="mailboxId"/>.</summary>
    public Props WithMailbox(string mailboxId) => new(Type, _factory, mailboxId, Dispatcher, SupervisorStrategy);

    /// <summary>A copy that runs on the dispatcher registered as <paramref name="dispatcherId"/>.</summary>
    public Props WithDispatcher(string dispatcherId) => new(Type, _factory, Mailbox, dispatcherId, SupervisorStrategy);

    /// <summary>A copy whose actor supervises its children with <paramref name="strategy"/>.</summary>
    public Props WithSupervisorStrategy(SupervisorStrategy strategy) => new(Type, _factory, Mailbox, Dispatcher, strategy);

    internal ActorBase NewActor() => _factory();

    private static ActorBase CreateByReflection(Type type, object?[] args)
    {
        try
        {
            return (ActorBase)Activator.CreateInstance(type, args)!;
        }
        catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
        {
            // Surface the constructor's own exception, as a factory lambda would, not the reflection wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Props({Type.Name})";
}
