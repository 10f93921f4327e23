using Akka.Hosting;
using Shm.Actors.PubSub;

namespace Shm.Hosting;

/// <summary>
/// Configures and starts the shared-memory pub/sub (<see cref="ShmPubSub"/>) of an actor system built by Akka.Hosting:
/// a mediator that speaks Akka's <c>DistributedPubSub</c> messages (<c>Subscribe</c>, <c>Publish</c>, …) over topic
/// rings that every node of the box reads, with no Akka.Cluster.
/// </summary>
/// <remarks>
/// <para>The extension starts with the actor system (it is added to <c>akka.extensions</c>), so
/// <see cref="ShmPubSubOptions.SharedEventTypes"/> are shared from the start, and its mediator is registered in
/// Akka.Hosting's <c>ActorRegistry</c> under the key <see cref="ShmPubSub"/>: take it as
/// <c>IRequiredActor&lt;ShmPubSub&gt;</c>, or as <c>ShmPubSub.Get(system).Mediator</c>. The system needs an
/// <c>akka.remote.shm</c> address (<c>WithShmRemoting</c>); events carry their sender's path and are serialized with
/// Akka's serialization.</para>
/// <para>The settings are prepended, like <c>WithShmRemoting</c>'s: of two calls, the later one wins key by key.</para>
/// </remarks>
/// <example><code>
/// services.AddAkka("orders", akka => akka
///     .WithShmRemoting(shm => shm.HostName = "worker-1")
///     .WithShmPubSub(pubSub => pubSub.TopicCapacity = 4096)
///     .WithActors((system, registry) => ShmPubSub.Get(system).Mediator
///         .Tell(new Subscribe("prices", system.ActorOf(Props.Create&lt;PriceBoard&gt;(), "board")))));
/// // elsewhere: IActorRef mediator = await services.GetRequiredService&lt;IRequiredActor&lt;ShmPubSub&gt;&gt;().GetAsync();
/// </code></example>
public static class ShmPubSubHostingExtensions
{
    /// <summary>
    /// Sets <c>akka.shm.pub-sub</c> from the default <see cref="ShmPubSubOptions"/> as changed by
    /// <paramref name="configure"/> (run once, now), starts <see cref="ShmPubSub"/> with the system and registers its
    /// mediator under <see cref="ShmPubSub"/>.
    /// </summary>
    /// <param name="builder">The actor system's Akka.Hosting builder.</param>
    /// <param name="configure">Optional; changes the default options.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it, the value and the limit.</exception>
    /// <exception cref="ArgumentException">The segment directory is not absolute, or a shared event type is null or an open generic type.</exception>
    public static AkkaConfigurationBuilder WithShmPubSub(this AkkaConfigurationBuilder builder, Action<ShmPubSubOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var options = new ShmPubSubOptions();
        configure?.Invoke(options);
        return builder.WithShmPubSub(options);
    }

    /// <summary>
    /// Sets <c>akka.shm.pub-sub</c> from <paramref name="options"/> (read now), starts <see cref="ShmPubSub"/> with the
    /// system and registers its mediator under <see cref="ShmPubSub"/>.
    /// </summary>
    /// <param name="builder">The actor system's Akka.Hosting builder.</param>
    /// <param name="options">The pub/sub's settings.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it, the value and the limit.</exception>
    /// <exception cref="ArgumentException">The segment directory is not absolute, or a shared event type is null or an open generic type.</exception>
    public static AkkaConfigurationBuilder WithShmPubSub(this AkkaConfigurationBuilder builder, ShmPubSubOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        builder.AddHocon(options.ToConfig(), HoconAddMode.Prepend);
        builder.WithExtensions(typeof(ShmPubSubProvider));
        return builder.WithActors((system, registry) => registry.TryRegister<ShmPubSub>(ShmPubSub.Get(system).Mediator));
    }
}
