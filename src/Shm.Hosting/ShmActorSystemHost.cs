using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Shm.Transport;
using MelLogLevel = Microsoft.Extensions.Logging.LogLevel;
using ShmLogLevel = Shm.Actors.Event.LogLevel;

namespace Shm.Hosting;

/// <summary>
/// Owns the hosted actor system: creates it from the builder on first use (so a service resolving
/// <see cref="ActorSystem"/> before the host starts gets the same one) and keeps the registry that goes with it.
/// </summary>
internal sealed class ShmActorSystemHost(ShmActorSystemBuilder builder, IServiceProvider services) : IDisposable
{
    /// <summary>The category whose enabled levels decide the system's <see cref="ActorSystemSettings.LogLevel"/> by default.</summary>
    public const string LogLevelCategory = "Shm.Actors";

    private readonly Lazy<ActorSystem> _system = new(() => Create(builder, services), LazyThreadSafetyMode.ExecutionAndPublication);

    public ActorSystem System => _system.Value;

    public ActorRegistry Registry { get; } = new();

    public ShmActorSystemBuilder Builder => builder;

    /// <summary>The settings the system is created with: the host's logging, then every ConfigureSettings step, then the transport.</summary>
    public static ActorSystemSettings BuildSettings(ShmActorSystemBuilder builder, IServiceProvider services)
    {
        ILoggerFactory loggerFactory = services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
        ActorSystemSettings settings = ActorSystemSettings.Default with
        {
            LoggerFactory = loggerFactory,
            LogLevel = builder.LogLevel ?? LowestEnabledLevel(loggerFactory),
            // The host drives shutdown (SIGTERM, Ctrl+C, StopApplication) through the hosted service; a second run from
            // the process-exit hook would race the host's own disposal.
            RunCoordinatedShutdownOnProcessExit = false,
        };
        foreach (Func<ActorSystemSettings, IServiceProvider, ActorSystemSettings> step in builder.SettingsSteps)
            settings = step(settings, services) ?? throw new InvalidOperationException("A ConfigureSettings step of the Shm actor system returned null.");
        if (builder.UsesShmTransport)
            settings = settings.WithShmTransport(BuildTransportOptions(builder, services));
        return settings;
    }

    /// <summary>The transport options after every WithShmTransport step (binding and code alike), in order.</summary>
    public static ShmTransportOptions BuildTransportOptions(ShmActorSystemBuilder builder, IServiceProvider services)
    {
        var options = new ShmTransportOptions();
        foreach (Action<ShmTransportOptions, IServiceProvider> step in builder.TransportSteps)
            step(options, services);
        return options;
    }

    private static ActorSystem Create(ShmActorSystemBuilder builder, IServiceProvider services) =>
        ActorSystem.Create(builder.SystemName, BuildSettings(builder, services));

    private static ShmLogLevel LowestEnabledLevel(ILoggerFactory loggerFactory)
    {
        ILogger logger = loggerFactory.CreateLogger(LogLevelCategory);
        if (logger.IsEnabled(MelLogLevel.Debug))
            return ShmLogLevel.DebugLevel;
        if (logger.IsEnabled(MelLogLevel.Information))
            return ShmLogLevel.InfoLevel;
        return logger.IsEnabled(MelLogLevel.Warning) ? ShmLogLevel.WarningLevel : ShmLogLevel.ErrorLevel;
    }

    /// <summary>Terminates the system if it was created (the container disposes this at host disposal).</summary>
    public void Dispose()
    {
        if (_system.IsValueCreated)
            _system.Value.Dispose();
    }
}
