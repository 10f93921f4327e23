using Shm.Actors.Event;
using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>
/// A hierarchy of actors with its dispatcher, scheduler, event stream and dead letters. Create one per application (or
/// per test); actors of one system talk by reference and share nothing else with other systems.
/// </summary>
/// <example><code>
/// using var system = ActorSystem.Create("shop");
/// IActorRef cart = system.ActorOf(Props.Create(() => new Cart()), "cart");
/// int items = await cart.Ask&lt;int&gt;(new AddItem("book"), TimeSpan.FromSeconds(3));
/// await system.Terminate();
/// </code></example>
public abstract class ActorSystem : IDisposable
{
    /// <summary>Creates and starts a system.</summary>
    /// <param name="name">The system's name: ASCII letters, digits and '-', starting with a letter or digit.</param>
    /// <param name="settings">Settings, or null for <see cref="ActorSystemSettings.Default"/>.</param>
    /// <exception cref="ArgumentException">
    /// The name is not valid, or the serializer settings are not (a type bound twice, a serializer identifier used twice or
    /// reserved; see <see cref="ActorSystemSettings.WithSerializer"/>).
    /// </exception>
    public static ActorSystem Create(string name, ActorSystemSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length == 0 || !char.IsAsciiLetterOrDigit(name[0]) || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c != '-'))
            ThrowHelper.ThrowInvalidSystemName(name);
        return new ActorSystemImpl(name, settings ?? ActorSystemSettings.Default);
    }

    /// <summary>The system's name.</summary>
    public abstract string Name { get; }

    /// <summary>The settings it was created with.</summary>
    public abstract ActorSystemSettings Settings { get; }

    /// <summary>The publish/subscribe bus of this system (dead letters, unhandled messages, log events).</summary>
    public abstract EventStream EventStream { get; }

    /// <summary>Delayed and periodic sends.</summary>
    public abstract IScheduler Scheduler { get; }

    /// <summary>Where undeliverable messages go; also the sender a receiver sees when there was none.</summary>
    public abstract IActorRef DeadLetters { get; }

    /// <summary>The system's own logger.</summary>
    public abstract ILoggingAdapter Log { get; }

    /// <summary>Creates and resolves refs (the seam for transports).</summary>
    public abstract IActorRefProvider Provider { get; }

    /// <summary>
    /// The system's serializers (built with it from <see cref="ActorSystemSettings.Serializers"/> and the built-ins): what the
    /// shared-memory transport uses to turn messages into bytes and back, and refs into paths and back.
    /// </summary>
    public abstract Serialization.Serialization Serialization { get; }

    /// <summary>Time since the system started.</summary>
    public abstract TimeSpan Uptime { get; }

    /// <summary>Completes when the system has terminated (all actors stopped, callbacks run).</summary>
    public abstract Task WhenTerminated { get; }

    /// <summary>Creates a top-level actor under <c>/user</c>.</summary>
    /// <exception cref="InvalidActorNameException">The name is invalid or taken.</exception>
    /// <exception cref="InvalidOperationException">The system is terminating.</exception>
    public abstract IActorRef ActorOf(Props props, string? name = null);

    /// <summary>A selection of actors by absolute path (<c>/user/a/*</c> or <c>shm://Sys/user/a</c>), resolved on every send.</summary>
    public abstract ActorSelection ActorSelection(string path);

    /// <summary>A selection of the actor at <paramref name="path"/>.</summary>
    public abstract ActorSelection ActorSelection(ActorPath path);

    /// <summary>Stops an actor asynchronously (its current message finishes first).</summary>
    public abstract void Stop(IActorRef actor);

    /// <summary>
    /// Runs the <see cref="CoordinatedShutdown"/> (reason <see cref="CoordinatedShutdownReason.ActorSystemTerminate"/>): its
    /// registered tasks phase by phase, then the ordered stop of <c>/user</c> actors (children before parents), then
    /// <c>/system</c>, then termination callbacks. Idempotent; returns <see cref="WhenTerminated"/>. Once the actors are
    /// being stopped, <see cref="ActorOf"/> throws.
    /// </summary>
    public abstract Task Terminate();

    /// <summary>Runs <paramref name="callback"/> once the system has terminated (at once if it already has).</summary>
    public abstract void RegisterOnTermination(Action callback);

    /// <summary>Terminates the system and waits for it (up to 10 seconds).</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Terminates the system when <paramref name="disposing"/>.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing) Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    /// <inheritdoc />
    public override string ToString() => $"ActorSystem({Name})";
}
