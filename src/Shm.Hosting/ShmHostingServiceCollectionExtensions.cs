using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Shm.Hosting;

/// <summary>Registers a Shm actor system with a Microsoft.Extensions host (Akka.Hosting's <c>AddAkka</c>).</summary>
public static class ShmHostingServiceCollectionExtensions
{
    /// <summary>
    /// Adds the actor system <paramref name="systemName"/>: a hosted service that starts it with the host and stops it
    /// (coordinated shutdown) with the host; <see cref="ActorSystem"/>, <see cref="ActorRegistry"/> and
    /// <see cref="IRequiredActor{TKey}"/> as singletons; logging through the host's <c>ILoggerFactory</c>. One actor
    /// system per service collection.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="systemName">The system's name: ASCII letters, digits and '-'.</param>
    /// <param name="configure">Describes the system: transport, settings, actors.</param>
    /// <exception cref="InvalidOperationException">An actor system was already added to <paramref name="services"/>.</exception>
    /// <example><code>
    /// builder.Services.AddShmActorSystem("shop", shm => shm
    ///     .WithShmTransport(builder.Configuration.GetSection("Shm"))
    ///     .WithActors((system, registry) => registry.Register&lt;CartKey&gt;(system.ActorOf(Props.Create&lt;Cart&gt;(), "cart"))));
    /// </code></example>
    public static IServiceCollection AddShmActorSystem(this IServiceCollection services, string systemName, Action<ShmActorSystemBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(systemName);
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(ShmActorSystemBuilder)))
            throw new InvalidOperationException($"An actor system is already added to these services; AddShmActorSystem(\"{systemName}\") would be a second one.");

        var builder = new ShmActorSystemBuilder(systemName, services);
        configure(builder);
        services.AddSingleton(builder);
        services.AddSingleton<ShmActorSystemHost>();
        services.AddSingleton(sp => sp.GetRequiredService<ShmActorSystemHost>().System);
        services.AddSingleton(sp => sp.GetRequiredService<ShmActorSystemHost>().Registry);
        services.TryAddSingleton(typeof(IRequiredActor<>), typeof(RequiredActor<>));
        // Added now, so it starts before hosted services registered after this call (they may use the actors).
        services.AddHostedService<ShmActorSystemHostedService>();
        return services;
    }
}
