using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Shm.Actors.Mailboxes;

namespace Shm.Hosting;

/// <summary>
/// Declares the shared-memory mailbox (<see cref="ShmMailboxType"/>) under an id in the configuration of an actor
/// system built by Akka.Hosting, so that <c>Props.WithMailbox(id)</c> gives an actor a named ring as its mailbox: other
/// shm nodes of the box write their messages straight into it, and what it holds survives the actor's process (the
/// actor created again at the same path on a node of the same name goes on with it).
/// </summary>
/// <remarks>
/// <para>The mailbox needs the direct-path provider: call <c>WithShmRemoting</c> with
/// <see cref="Shm.Transport.Remote.ShmRemotingOptions.UseDirectPath"/> set. A system that does not run it logs an error at start naming the
/// mailbox, and each actor created with the mailbox fails to start (Akka logs the <c>ConfigurationException</c>).</para>
/// <para>The ring of the actor at <c>/user/a/b</c> on node <c>N</c> of system <c>S</c> is
/// <c>{segment-directory}/S.N.mbox~user~a~b</c>. Stopping the actor leaves the ring (and what it holds) for the next
/// actor at the path; see <see cref="ShmMailboxType"/> for the delivery guarantees.</para>
/// <para>The HOCON block is prepended, like <c>WithShmRemoting</c>'s: of two calls with one id, the later one wins.</para>
/// </remarks>
/// <example><code>
/// services.AddAkka("orders", akka => akka
///     .WithShmRemoting(shm => { shm.HostName = "worker-1"; shm.UseDirectPath = true; })
///     .WithShmMailbox("shm-mailbox", mailbox => mailbox.Capacity = 65_536)
///     .WithActors((system, registry) =>
///         registry.Register&lt;Jobs&gt;(system.ActorOf(Props.Create&lt;Jobs&gt;().WithMailbox("shm-mailbox"), "jobs"))));
/// // the ring: /dev/shm/orders.worker-1.mbox~user~jobs
/// </code></example>
public static partial class ShmMailboxHostingExtensions
{
    /// <summary>
    /// Declares the shm mailbox under <paramref name="mailboxId"/> with the default <see cref="ShmMailboxOptions"/>
    /// as changed by <paramref name="configure"/> (run once, now).
    /// </summary>
    /// <param name="builder">The actor system's Akka.Hosting builder.</param>
    /// <param name="mailboxId">
    /// The id <c>Props.WithMailbox</c> names: one or more dot-separated parts of letters, digits, '-' and '_'
    /// (<see cref="ShmMailboxOptions.DefaultMailboxId"/> unless given).
    /// </param>
    /// <param name="configure">Optional; changes the default options.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> or <paramref name="mailboxId"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="mailboxId"/> is not a valid id; the message says what is allowed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it, the value and the limit.</exception>
    public static AkkaConfigurationBuilder WithShmMailbox(this AkkaConfigurationBuilder builder, string mailboxId = ShmMailboxOptions.DefaultMailboxId,
        Action<ShmMailboxOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var options = new ShmMailboxOptions();
        configure?.Invoke(options);
        return builder.WithShmMailbox(mailboxId, options);
    }

    /// <summary>Declares the shm mailbox under <paramref name="mailboxId"/> with <paramref name="options"/> (read now).</summary>
    /// <param name="builder">The actor system's Akka.Hosting builder.</param>
    /// <param name="mailboxId">The id <c>Props.WithMailbox</c> names: one or more dot-separated parts of letters, digits, '-' and '_'.</param>
    /// <param name="options">The ring's settings.</param>
    /// <returns><paramref name="builder"/>, for chaining.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/>, <paramref name="mailboxId"/> or <paramref name="options"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="mailboxId"/> is not a valid id; the message says what is allowed.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it, the value and the limit.</exception>
    public static AkkaConfigurationBuilder WithShmMailbox(this AkkaConfigurationBuilder builder, string mailboxId, ShmMailboxOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(mailboxId);
        ArgumentNullException.ThrowIfNull(options);
        if (!MailboxIdPattern().IsMatch(mailboxId))
            throw new ArgumentException(
                $"The mailbox id is '{mailboxId}'; it must be one or more parts of letters, digits, '-' and '_', separated by single dots (e.g. \"{ShmMailboxOptions.DefaultMailboxId}\").",
                nameof(mailboxId));

        builder.AddHocon(options.ToConfig(mailboxId), HoconAddMode.Prepend);
        return builder.AddStartup((system, _) =>
        {
            if (!ShmRemotingHostingExtensions.RunsDirectPath(system))
                system.Log.Error("The shm mailbox '{0}' needs the direct-path provider, but the system runs {1}: call WithShmRemoting with UseDirectPath = true "
                    + "(and WithClustering before it). Actors created with this mailbox will fail to start.", mailboxId, ((ExtendedActorSystem)system).Provider.GetType().FullName);
        });
    }

    [GeneratedRegex(@"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$")]
    private static partial Regex MailboxIdPattern();
}
