using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Shm.Transport.Remote;

namespace Shm.Hosting;

/// <summary>
/// Puts an Akka.NET actor system configured through Akka.Hosting on the shared-memory transport <c>akka.remote.shm</c>
/// in one call (Akka.Remote.Hosting's <c>WithRemoting</c>, for shm): the transport as the only enabled one, its
/// settings from <see cref="ShmRemotingOptions"/>, and the <c>remote</c> actor provider unless clustering is configured.
/// </summary>
/// <remarks>
/// <para>
/// Provider: a provider already chosen in code (<c>WithClustering</c>, or a custom one) is kept, and so is a
/// non-local <c>akka.actor.provider</c> in HOCON added to the builder before this call; otherwise the provider becomes
/// <c>remote</c>. <c>WithClustering</c> replaces <c>remote</c> with <c>cluster</c>, so <c>WithClustering</c> and
/// <c>WithShmRemoting</c> give a cluster node in either order. With <see cref="ShmRemotingOptions.UseDirectPath"/>
/// the provider becomes the direct-path one (the cluster variant when clustering was chosen before); then call
/// <c>WithClustering</c> <em>before</em> <c>WithShmRemoting</c>, since it sets Akka's cluster provider over any other.
/// A system that does not get the direct provider asked for logs an error at start saying why.
/// </para>
/// <para>
/// HOCON: the settings are prepended, so they win over HOCON added to the builder before this call and lose to HOCON
/// prepended after it; of two <c>WithShmRemoting</c> calls the later one wins, key by key. The options are read once,
/// when this method runs (for <c>AddAkka</c>, when the host builds the actor system); later changes to an options
/// object are not seen.
/// </para>
/// </remarks>
/// <example><code>
/// builder.Services.AddAkka("orders", akka => akka
///     .WithShmRemoting(builder.Configuration.GetSection("Shm"))   // "Shm": { "HostName": "worker-1" }
///     .WithActors((system, registry) => system.ActorOf(Props.Create&lt;Orders&gt;(), "orders")));
/// // this node is akka.shm://orders@worker-1:1; other nodes reach its actor as akka.shm://orders@worker-1:1/user/orders
/// </code></example>
public static class ShmRemotingHostingExtensions
{
    private static readonly ProviderSelection s_direct = new ProviderSelection.Custom(ShmRemotingOptions.DirectProviderClass);
    private static readonly ProviderSelection s_directCluster = new ProviderSelection.Custom(ShmRemotingOptions.DirectClusterProviderClass, hasCluster: true);

    /// <summary>
    /// Enables <c>akka.remote.shm</c> with <paramref name="options"/> and, unless a provider is already configured
    /// (see the class remarks), selects the <c>remote</c> actor provider.
    /// </summary>
    /// <param name="builder">The actor system's Akka.Hosting builder.</param>
    /// <param name="options">The transport's settings; read now, not when the system starts.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ConfigurationException">A setting is out of range; the message names it, the value and the limit.</exception>
    /// <example><code>
    /// services.AddAkka("orders", akka => akka.WithShmRemoting(new ShmRemotingOptions { HostName = "worker-1" }));
    /// </code></example>
    public static AkkaConfigurationBuilder WithShmRemoting(this AkkaConfigurationBuilder builder, ShmRemotingOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        // ToConfig validates, so a bad setting fails here, naming its key, rather than when the transport starts.
        builder.AddHocon(options.ToConfig(), HoconAddMode.Prepend);
        if (!options.UseDirectPath)
            return HasProvider(builder) ? builder : builder.WithActorRefProvider(ProviderSelection.Remote.Instance);
        bool cluster = IsCluster(builder);
        builder.WithActorRefProvider(cluster ? s_directCluster : s_direct);
        return builder.AddStartup((system, _) =>
        {
            if (!RunsDirectPath(system))
                system.Log.Error("WithShmRemoting asked for the direct-path provider, but the system runs {0}: a later call chose another "
                    + "provider (call WithClustering before WithShmRemoting).", ((ExtendedActorSystem)system).Provider.GetType().FullName);
        });
    }

    /// <summary>Whether <paramref name="system"/> runs one of the direct-path providers (what the shm mailbox needs).</summary>
    internal static bool RunsDirectPath(ActorSystem system) =>
        ((ExtendedActorSystem)system).Provider is ShmRemoteActorRefProvider or ShmClusterActorRefProvider;

    private static bool IsCluster(AkkaConfigurationBuilder builder)
    {
        if (builder.ActorRefProvider.HasValue)
            return builder.ActorRefProvider.Value is ProviderSelection.Cluster || ReferenceEquals(builder.ActorRefProvider.Value, s_directCluster);
        string provider = builder.Configuration.HasValue ? builder.Configuration.Value.GetString("akka.actor.provider", "").Trim() : "";
        return provider == "cluster" || provider.Split(',')[0].Trim() == "Akka.Cluster.ClusterActorRefProvider";
    }

    /// <summary>
    /// Enables <c>akka.remote.shm</c> with the default <see cref="ShmRemotingOptions"/> as changed by
    /// <paramref name="configure"/> (run once, now) and, unless a provider is already configured, selects <c>remote</c>.
    /// </summary>
    /// <param name="builder">The actor system's Akka.Hosting builder.</param>
    /// <param name="configure">Changes the default options.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="configure"/> is null.</exception>
    /// <exception cref="ConfigurationException">A setting is out of range; the message names it, the value and the limit.</exception>
    /// <example><code>
    /// services.AddAkka("orders", akka => akka.WithShmRemoting(shm =>
    /// {
    ///     shm.HostName = "worker-1";
    ///     shm.WaitStrategy = ShmWaitStrategy.Sleep;
    /// }));
    /// </code></example>
    public static AkkaConfigurationBuilder WithShmRemoting(this AkkaConfigurationBuilder builder, Action<ShmRemotingOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);

        var options = new ShmRemotingOptions();
        configure(options);
        return builder.WithShmRemoting(options);
    }

    /// <summary>
    /// Enables <c>akka.remote.shm</c> with <see cref="ShmRemotingOptions"/> bound from <paramref name="section"/> (keys
    /// are the property names, case-insensitive; a missing key keeps its default; <c>WaitStrategy</c> takes the enum
    /// name), then changed by <paramref name="configure"/>; unless a provider is already configured, selects <c>remote</c>.
    /// </summary>
    /// <param name="builder">The actor system's Akka.Hosting builder.</param>
    /// <param name="section">The configuration holding the settings, e.g. <c>configuration.GetSection("Shm")</c>; read now.</param>
    /// <param name="configure">Optional; changes the options after binding (a value from code over the file's).</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="section"/> is null.</exception>
    /// <exception cref="InvalidOperationException">
    /// <paramref name="section"/> holds a key that is not a <see cref="ShmRemotingOptions"/> property (a misspelt setting
    /// is refused, not ignored), or a value that does not convert to its property's type; the message names the key.
    /// </exception>
    /// <exception cref="ConfigurationException">A setting is out of range; the message names it, the value and the limit.</exception>
    /// <example><code>
    /// // appsettings.json: { "Shm": { "HostName": "worker-1", "InboxCapacity": 4096, "WaitStrategy": "Sleep" } }
    /// builder.Services.AddAkka("orders", akka => akka.WithShmRemoting(builder.Configuration.GetSection("Shm")));
    /// </code></example>
    public static AkkaConfigurationBuilder WithShmRemoting(this AkkaConfigurationBuilder builder, IConfiguration section, Action<ShmRemotingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(section);

        var options = new ShmRemotingOptions();
        section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        configure?.Invoke(options);
        return builder.WithShmRemoting(options);
    }

    /// <summary>
    /// Whether the builder already names a provider that carries remoting, which this call must not replace: one chosen
    /// in code (Akka.Remote.Hosting's rule: anything but local), else one in the HOCON added so far. The code choice goes
    /// into the system's BootstrapSetup, which overrides <c>akka.actor.provider</c>, so selecting <c>remote</c> over a
    /// HOCON <c>cluster</c> would silently turn the cluster off.
    /// </summary>
    private static bool HasProvider(AkkaConfigurationBuilder builder)
    {
        if (builder.ActorRefProvider.HasValue)
            return builder.ActorRefProvider.Value is not ProviderSelection.Local;
        if (!builder.Configuration.HasValue)
            return false;
        string provider = builder.Configuration.Value.GetString("akka.actor.provider", "").Trim();
        return provider.Length > 0 && !IsLocal(provider);
    }

    // The two spellings Akka accepts for the local provider: the alias, or the type name (before ", Akka").
    private static bool IsLocal(string provider) =>
        provider == "local" || provider.Split(',')[0].Trim() == typeof(LocalActorRefProvider).FullName;
}
