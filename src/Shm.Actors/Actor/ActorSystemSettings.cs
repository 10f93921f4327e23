using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shm.Actors.Dispatch;
using Shm.Actors.Event;
using Shm.Actors.Serialization;
using LogLevel = Shm.Actors.Event.LogLevel;

namespace Shm.Actors;

/// <summary>
/// Immutable settings of an actor system: Shm's typed stand-in for Akka's HOCON keys (named in each property's doc).
/// Change them with <c>with</c> expressions or the <c>With…</c> helpers.
/// </summary>
/// <example><code>
/// var settings = ActorSystemSettings.Default
///     .WithMailbox("bounded", new BoundedMailbox(1000, TimeSpan.FromMilliseconds(10)))
///     with { LoggerFactory = loggerFactory, LogLevel = LogLevel.DebugLevel };
/// using ActorSystem system = ActorSystem.Create("orders", settings);
/// </code></example>
public sealed record ActorSystemSettings
{
    /// <summary>The mailbox id every actor uses unless its props name another (<c>akka.actor.default-mailbox</c>).</summary>
    public const string DefaultMailboxId = "akka.actor.default-mailbox";

    /// <summary>Akka's defaults.</summary>
    public static ActorSystemSettings Default { get; } = new();

    /// <summary>User messages per actor turn on the default dispatcher (<c>akka.actor.default-dispatcher.throughput</c>, 30).</summary>
    public int DefaultThroughput { get; init; } = 30;

    /// <summary>
    /// Timeout of an Ask that names none (<c>akka.actor.ask-timeout</c>). Null means no timeout, Akka's default: such an Ask to
    /// an actor that never answers never completes. An Ask to an actor already known to be stopped fails at once either way.
    /// </summary>
    public TimeSpan? AskTimeout { get; init; }

    /// <summary>Where log entries go (Akka's loggers); by default nowhere.</summary>
    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;

    /// <summary>Entries below this level are dropped before formatting (<c>akka.loglevel</c>, INFO).</summary>
    public LogLevel LogLevel { get; init; } = LogLevel.InfoLevel;

    /// <summary>Dead letters logged before a pause (<c>akka.log-dead-letters</c>, 10); 0 turns the logging off.</summary>
    public int LogDeadLetters { get; init; } = 10;

    /// <summary>Length of the pause after <see cref="LogDeadLetters"/> entries (<c>log-dead-letters-suspend-duration</c>, 5 minutes).</summary>
    public TimeSpan LogDeadLettersSuspendDuration { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Whether dead letters are logged while the system shuts down (<c>log-dead-letters-during-shutdown</c>, off).</summary>
    public bool LogDeadLettersDuringShutdown { get; init; }

    /// <summary>Log <see cref="UnhandledMessage"/>s at debug level (<c>akka.actor.debug.unhandled</c>, off).</summary>
    public bool DebugUnhandled { get; init; }

    /// <summary>How <c>/user</c> supervises top-level actors (<c>akka.actor.guardian-supervisor-strategy</c>: restart).</summary>
    public SupervisorStrategy GuardianSupervisorStrategy { get; init; } = SupervisorStrategy.DefaultStrategy;

    /// <summary>How long a <see cref="CoordinatedShutdown"/> phase may take (<c>coordinated-shutdown.default-phase-timeout</c>, 5 s).</summary>
    public TimeSpan CoordinatedShutdownPhaseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether process exit runs the <see cref="CoordinatedShutdown"/> of a system still running
    /// (<c>run-by-clr-shutdown-hook</c>, on).
    /// </summary>
    public bool RunCoordinatedShutdownOnProcessExit { get; init; } = true;

    /// <summary>The clock of the scheduler, timers and receive timeouts (a fake one makes time-driven tests deterministic).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>This process's node name in the system's address (<c>shm://system@node</c>), or null for a purely local address.</summary>
    public string? Node { get; init; }

    /// <summary>
    /// The transport seam: given the system and its local provider, returns the provider the system resolves paths with
    /// (<see cref="ActorSystem.Provider"/>, selections of full addresses). A transport returns one that answers for other
    /// processes' addresses (<c>shm://system@node/…</c>) and delegates everything else to the local provider. Null: local only.
    /// </summary>
    public Func<ActorSystem, IActorRefProvider, IActorRefProvider>? ProviderFactory { get; init; }

    /// <summary>Registered mailbox types by id; <see cref="DefaultMailboxId"/> is always present.</summary>
    public ImmutableDictionary<string, MailboxType> Mailboxes { get; init; } =
        ImmutableDictionary<string, MailboxType>.Empty.Add(DefaultMailboxId, new UnboundedMailbox());

    /// <summary>Extra dispatchers by id → throughput; <see cref="MessageDispatcher.DefaultDispatcherId"/> uses <see cref="DefaultThroughput"/>.</summary>
    public ImmutableDictionary<string, int> Dispatchers { get; init; } = ImmutableDictionary<string, int>.Empty;

    /// <summary>
    /// Custom serializers, built when the system starts, in order (Akka's <c>akka.actor.serializers</c>,
    /// <c>serialization-bindings</c> and <c>serialization-identifiers</c>, typed). Add them with <see cref="WithSerializer"/>.
    /// The built-ins (100 primitives, 101 JSON for <see cref="object"/>, 102 exceptions) are always there; see
    /// <see cref="Serialization.Serialization"/> for how bindings are chosen.
    /// </summary>
    public ImmutableList<SerializerRegistration> Serializers { get; init; } = ImmutableList<SerializerRegistration>.Empty;

    /// <summary>
    /// A copy with a custom serializer bound to <paramref name="boundTypes"/> (each binding covers subclasses and
    /// implementers; the most specific binding of a message's type wins). Binding a type a built-in binds (e.g.
    /// <see cref="string"/>, or <see cref="object"/> for the default) takes it over. Checked when the system starts:
    /// <see cref="ActorSystem.Create"/> throws <see cref="ArgumentException"/> if two registrations bind the same type, two
    /// serializers share an <see cref="Serializer.Identifier"/> (register each serializer once, with all its types) or one
    /// uses Akka's reserved ids 0–16.
    /// </summary>
    /// <param name="factory">Builds the serializer for a system (once per system, while it starts; see <see cref="Serializer"/>).</param>
    /// <param name="boundTypes">The message types it serializes; none means it only reads payloads that name its identifier.</param>
    /// <exception cref="ArgumentException">A bound type is null or an open generic type.</exception>
    /// <example><code>
    /// var settings = ActorSystemSettings.Default
    ///     .WithSerializer(system => new OrderSerializer(system), typeof(Order), typeof(IOrderEvent));
    /// </code></example>
    public ActorSystemSettings WithSerializer(Func<ActorSystem, Serializer> factory, params Type[] boundTypes)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(boundTypes);
        foreach (Type type in boundTypes) Serialization.Serialization.ValidateBoundType(type, nameof(boundTypes));
        return this with { Serializers = Serializers.Add(new SerializerRegistration(factory, [.. boundTypes])) };
    }

    /// <summary>A copy with <paramref name="mailboxType"/> registered as <paramref name="id"/> (for <see cref="Props.WithMailbox"/>).</summary>
    public ActorSystemSettings WithMailbox(string id, MailboxType mailboxType)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentNullException.ThrowIfNull(mailboxType);
        return this with { Mailboxes = Mailboxes.SetItem(id, mailboxType) };
    }

    /// <summary>A copy with a dispatcher <paramref name="id"/> of the given throughput (for <see cref="Props.WithDispatcher"/>).</summary>
    public ActorSystemSettings WithDispatcher(string id, int throughput)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentOutOfRangeException.ThrowIfLessThan(throughput, 1);
        return this with { Dispatchers = Dispatchers.SetItem(id, throughput) };
    }
}
