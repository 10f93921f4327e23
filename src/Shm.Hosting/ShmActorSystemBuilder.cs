using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shm.Transport;
using ShmLogLevel = Shm.Actors.Event.LogLevel;

namespace Shm.Hosting;

/// <summary>
/// Describes the hosted actor system (Akka.Hosting's <c>AkkaConfigurationBuilder</c>): settings, the shared-memory
/// transport and its options, and the actors to start. Collected by
/// <see cref="ShmHostingServiceCollectionExtensions.AddShmActorSystem"/>; applied when the host starts, in the order given.
/// </summary>
/// <example><code>
/// services.AddShmActorSystem("orders", builder => builder
///     .WithShmTransport(configuration.GetSection("Shm"))
///     .WithActors((system, registry) => registry.Register&lt;OrdersKey&gt;(system.ActorOf(Props.Create&lt;Orders&gt;(), "orders"))));
/// </code></example>
public sealed class ShmActorSystemBuilder
{
    private readonly List<Func<ActorSystemSettings, IServiceProvider, ActorSystemSettings>> _settings = [];
    private readonly List<Action<ShmTransportOptions, IServiceProvider>> _transport = [];
    private readonly List<Action<ActorSystem, ActorRegistry, IServiceProvider>> _starters = [];
    private ShmLogLevel? _logLevel;

    internal ShmActorSystemBuilder(string systemName, IServiceCollection services)
    {
        SystemName = systemName;
        Services = services;
    }

    /// <summary>The actor system's name (also the shared-memory system name other processes join).</summary>
    public string SystemName { get; }

    /// <summary>The application's service collection, for registrations that belong with the actor system.</summary>
    public IServiceCollection Services { get; }

    /// <summary>Whether <see cref="WithShmTransport(Action{ShmTransportOptions})"/> (or an overload) was called.</summary>
    public bool UsesShmTransport => _transport.Count > 0;

    /// <summary>
    /// Changes the <see cref="ActorSystemSettings"/> the system is created with. The host's <c>ILoggerFactory</c> is already
    /// set as <see cref="ActorSystemSettings.LoggerFactory"/> when <paramref name="configure"/> runs.
    /// </summary>
    public ShmActorSystemBuilder ConfigureSettings(Func<ActorSystemSettings, ActorSystemSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _settings.Add((settings, _) => configure(settings));
        return this;
    }

    /// <summary>Changes the settings with access to the application's services.</summary>
    public ShmActorSystemBuilder ConfigureSettings(Func<ActorSystemSettings, IServiceProvider, ActorSystemSettings> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _settings.Add(configure);
        return this;
    }

    /// <summary>
    /// The lowest level actor log entries are produced at (<see cref="ActorSystemSettings.LogLevel"/>). Without this, the
    /// level follows the host's logging configuration for the category <c>Shm.Actors</c> (e.g.
    /// <c>"Logging:LogLevel:Shm.Actors": "Debug"</c>), so nothing below what the host would print is formatted.
    /// </summary>
    public ShmActorSystemBuilder WithLogLevel(ShmLogLevel level)
    {
        _logLevel = level;
        return this;
    }

    /// <summary>
    /// Joins the system to other processes through the shared-memory transport; <paramref name="configure"/> sets its
    /// options (at least <see cref="ShmTransportOptions.NodeName"/>). May be called more than once: every call's changes
    /// apply, in order.
    /// </summary>
    public ShmActorSystemBuilder WithShmTransport(Action<ShmTransportOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _transport.Add((options, _) => configure(options));
        return this;
    }

    /// <summary>
    /// Turns the shared-memory transport on with options bound from <paramref name="section"/> (keys named like
    /// <see cref="ShmTransportOptions"/>' properties: <c>NodeName</c>, <c>SegmentDirectory</c>, <c>InboxCapacity</c>, …),
    /// then <paramref name="configure"/>, if given.
    /// </summary>
    public ShmActorSystemBuilder WithShmTransport(IConfiguration section, Action<ShmTransportOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(section);
        _transport.Add((options, _) =>
        {
            section.Bind(options);
            configure?.Invoke(options);
        });
        return this;
    }

    /// <summary>
    /// Turns the shared-memory transport on with options bound from the application's <see cref="IConfiguration"/> at
    /// <paramref name="sectionPath"/> (e.g. <c>"Shm"</c>), read when the host starts.
    /// </summary>
    public ShmActorSystemBuilder WithShmTransport(string sectionPath, Action<ShmTransportOptions>? configure = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sectionPath);
        _transport.Add((options, services) =>
        {
            services.GetRequiredService<IConfiguration>().GetSection(sectionPath).Bind(options);
            configure?.Invoke(options);
        });
        return this;
    }

    /// <summary>
    /// Starts actors once the system runs, before the host's later hosted services start; register the ones the
    /// application resolves from DI in <paramref name="starter"/>'s registry.
    /// </summary>
    public ShmActorSystemBuilder WithActors(Action<ActorSystem, ActorRegistry> starter)
    {
        ArgumentNullException.ThrowIfNull(starter);
        _starters.Add((system, registry, _) => starter(system, registry));
        return this;
    }

    /// <summary>Starts actors with access to the application's services (to pass them to actors' constructors).</summary>
    public ShmActorSystemBuilder WithActors(Action<ActorSystem, ActorRegistry, IServiceProvider> starter)
    {
        ArgumentNullException.ThrowIfNull(starter);
        _starters.Add(starter);
        return this;
    }

    internal ShmLogLevel? LogLevel => _logLevel;

    internal IReadOnlyList<Func<ActorSystemSettings, IServiceProvider, ActorSystemSettings>> SettingsSteps => _settings;

    internal IReadOnlyList<Action<ShmTransportOptions, IServiceProvider>> TransportSteps => _transport;

    internal IReadOnlyList<Action<ActorSystem, ActorRegistry, IServiceProvider>> Starters => _starters;
}
