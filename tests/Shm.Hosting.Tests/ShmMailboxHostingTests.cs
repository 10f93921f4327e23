using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shm.Primitives;
using Shm.Actors.Mailboxes;
using Shm.Transport.Remote;
using static Shm.Hosting.Tests.ShmRemotingHosts;

namespace Shm.Hosting.Tests;

public sealed class ShmMailboxHostingTests
{
    private static readonly TimeSpan s_timeout = ShmRemotingHosts.Timeout;

    /// <summary>Answers each message with "jobs:MESSAGE".</summary>
    private sealed class Jobs : ReceiveActor
    {
        public Jobs() => ReceiveAny(message => Sender.Tell($"jobs:{message}"));
    }

    [Fact]
    public async Task An_actor_deployed_with_the_mailbox_gets_a_ring_of_the_configured_geometry()
    {
        await using var hosts = new ShmRemotingHosts();
        IHost a = await hosts.StartAsync((akka, _) => akka
            .WithShmRemoting(shm => { shm.HostName = "a"; shm.UseDirectPath = true; })
            .WithShmMailbox("shm-mailbox", mailbox => { mailbox.Capacity = 1000; mailbox.ArenaBytes = 1 << 16; })
            .WithActors((system, registry) =>
                registry.Register<Jobs>(system.ActorOf(Props.Create<Jobs>().WithMailbox("shm-mailbox"), "jobs"))));
        IHost b = await hosts.StartAsync((akka, _) => akka.WithShmRemoting(shm => { shm.HostName = "b"; shm.UseDirectPath = true; }));

        // From another node, straight into the ring (the direct path writes there; Identify, which ResolveOne sends, is
        // handled in a's process). The actor's own host finds it through Akka.Hosting's registry.
        IActorRef remoteJobs = await SystemOf(b).ActorSelection($"{hosts.AddressOf("a")}/user/jobs").ResolveOne(s_timeout);
        Assert.Equal("jobs:from b", await remoteJobs.Ask<string>("from b", s_timeout));
        IActorRef jobs = await a.Services.GetRequiredService<IRequiredActor<Jobs>>().GetAsync();
        Assert.Equal("/user/jobs", jobs.Path.ToStringWithoutAddress());

        string ring = $"/dev/shm/{hosts.SystemName}.a.mbox~user~jobs";
        Assert.True(File.Exists(ring), $"no mailbox ring at {ring}");
        using ShmByteQueue queue = ShmByteQueue.OpenExisting(ring);
        Assert.Equal(1024, queue.Capacity); // 1000 rounded up to a power of two
        Assert.Equal(1 << 16, queue.ArenaCapacity);
    }

    [Fact]
    public async Task Without_the_direct_path_the_start_logs_an_error_naming_the_mailbox()
    {
        var logs = new CollectingLoggerProvider();
        await using var hosts = new ShmRemotingHosts();
        await hosts.StartAsync(
            (akka, _) => akka
                .ConfigureLoggers(loggers => { loggers.ClearLoggers(); loggers.AddLoggerFactory(); })
                .WithShmRemoting(shm => shm.HostName = "a")
                .WithShmMailbox("jobs-mailbox"),
            host => host.Logging.AddProvider(logs));

        await Poll.UntilAsync(() => logs.Entries.Any(e => e.Level == LogLevel.Error && e.Message.Contains("'jobs-mailbox'")), "the error naming the mailbox");
        Assert.Contains(logs.Entries, e => e.Message.Contains("UseDirectPath = true"));
    }

    [Fact]
    public void The_block_names_the_mailbox_type_and_the_later_call_wins()
    {
        AkkaConfigurationBuilder builder = NewBuilder()
            .WithShmMailbox()
            .WithShmMailbox("mailboxes.jobs", new ShmMailboxOptions { Capacity = 64 })
            .WithShmMailbox("mailboxes.jobs", new ShmMailboxOptions { Capacity = 128, ArenaBytes = 8192 });

        Config config = builder.Configuration.Value;
        Assert.Equal(ShmMailboxType.TypeName, config.GetString("shm-mailbox.mailbox-type"));
        Assert.Equal(8192, config.GetLong("shm-mailbox.capacity"));
        Assert.Equal(0, config.GetLong("shm-mailbox.arena-bytes"));
        Assert.Equal(ShmMailboxType.TypeName, config.GetString("mailboxes.jobs.mailbox-type"));
        Assert.Equal(128, config.GetLong("mailboxes.jobs.capacity"));
        Assert.Equal(8192, config.GetLong("mailboxes.jobs.arena-bytes"));
    }

    [Fact]
    public async Task The_limits_are_the_ones_the_mailbox_type_and_the_ring_enforce()
    {
        await using var hosts = new ShmRemotingHosts();
        IHost a = await hosts.StartAsync((akka, _) => akka.WithShmRemoting(shm => shm.HostName = "a"));
        Settings settings = SystemOf(a).Settings;

        _ = new ShmMailboxType(settings, ConfigurationFactory.ParseString($"capacity = {ShmMailboxOptions.MaxCapacity}"));
        _ = new ShmMailboxType(settings, ConfigurationFactory.ParseString($"capacity = {ShmMailboxOptions.MinCapacity}"));
        Assert.Throws<ConfigurationException>(() => new ShmMailboxType(settings, ConfigurationFactory.ParseString($"capacity = {ShmMailboxOptions.MaxCapacity + 1}")));
        Assert.Throws<ConfigurationException>(() => new ShmMailboxType(settings, ConfigurationFactory.ParseString($"capacity = {ShmMailboxOptions.MinCapacity - 1}")));
        Assert.Equal(ShmByteQueue.MaxArenaBytes, ShmMailboxOptions.MaxArenaBytes);
        ShmByteQueue.CreateMemfd("limits", 2, ShmMailboxOptions.MinArenaBytes).Dispose();
        Assert.Throws<ArgumentOutOfRangeException>(() => ShmByteQueue.CreateMemfd("limits", 2, ShmMailboxOptions.MinArenaBytes - 1));
    }

    [Theory]
    [InlineData(1L, 0L, "Capacity", "'1'", "'2'")]
    [InlineData(4_194_305L, 0L, "Capacity", "'4194305'", "'4194304'")]
    [InlineData(8192L, 4095L, "ArenaBytes", "'4095'", "'4096'")]
    [InlineData(8192L, (1L << 32) + 1, "ArenaBytes", "'4294967297'", "'4294967296'")]
    public void A_setting_out_of_range_is_refused_naming_it_the_value_and_the_limit(long capacity, long arenaBytes, string name, string value, string limit)
    {
        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(
            () => NewBuilder().WithShmMailbox("shm-mailbox", mailbox => { mailbox.Capacity = capacity; mailbox.ArenaBytes = arenaBytes; }));

        Assert.Equal(name, error.ParamName);
        Assert.Contains(value, error.Message);
        Assert.Contains(limit, error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two words")]
    [InlineData("a..b")]
    [InlineData(".a")]
    [InlineData("a = 1")]
    public void A_mailbox_id_that_is_no_plain_config_path_is_refused(string mailboxId)
    {
        ArgumentException error = Assert.Throws<ArgumentException>("mailboxId", () => NewBuilder().WithShmMailbox(mailboxId));

        Assert.Contains($"'{mailboxId}'", error.Message);
        Assert.Contains("letters, digits, '-' and '_'", error.Message);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentNullException>("builder", () => ((AkkaConfigurationBuilder)null!).WithShmMailbox());
        Assert.Throws<ArgumentNullException>("builder", () => ((AkkaConfigurationBuilder)null!).WithShmMailbox("m", new ShmMailboxOptions()));
        Assert.Throws<ArgumentNullException>("mailboxId", () => NewBuilder().WithShmMailbox(null!));
        Assert.Throws<ArgumentNullException>("options", () => NewBuilder().WithShmMailbox("m", (ShmMailboxOptions)null!));
    }

    private static AkkaConfigurationBuilder NewBuilder() => new(new ServiceCollection(), "builder-only");
}
