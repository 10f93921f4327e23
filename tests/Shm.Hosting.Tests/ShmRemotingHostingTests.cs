using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shm.Transport.Remote;
using static Shm.Hosting.Tests.ShmRemotingHosts;

namespace Shm.Hosting.Tests;

public sealed class ShmRemotingHostingTests
{
    [Fact]
    public async Task Two_hosts_exchange_messages_over_shm()
    {
        await using var hosts = new ShmRemotingHosts();
        IHost a = await hosts.StartAsync((akka, _) => akka.WithShmRemoting(new ShmRemotingOptions { HostName = "a" }));
        IHost b = await hosts.StartAsync((akka, _) => akka.WithShmRemoting(shm => shm.HostName = "b"));

        Assert.Equal("ping", await hosts.AskEchoAsync(a, "b", "ping"));
        Assert.Equal("pong", await hosts.AskEchoAsync(b, "a", "pong"));
        IActorRefProvider provider = ProviderOf(a);
        Assert.IsType<RemoteActorRefProvider>(provider);
        Assert.Equal(hosts.AddressOf("a"), provider.DefaultAddress.ToString());
    }

    [Fact]
    public async Task Options_bind_from_configuration_and_code_overrides_them()
    {
        await using var hosts = new ShmRemotingHosts();
        // a: everything from the file. b: the file names another host, the code's value wins.
        IHost a = await hosts.StartAsync(
            (akka, configuration) => akka.WithShmRemoting(configuration.GetSection("Shm")),
            host => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Shm:HostName"] = "a",
                ["Shm:InboxCapacity"] = "4096",
                ["Shm:WaitStrategy"] = "Sleep",
                ["Shm:UseProcessLivenessFailureDetector"] = "false",
            }));
        IHost b = await hosts.StartAsync(
            (akka, configuration) => akka.WithShmRemoting(configuration.GetSection("Shm"), shm => shm.HostName = "b"),
            host => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Shm:HostName"] = "not-b" }));

        Config config = SystemOf(a).Settings.Config;
        Assert.Equal(4096, config.GetLong("akka.remote.shm.inbox-capacity"));
        Assert.Equal("sleep", config.GetString("akka.remote.shm.wait-strategy"));
        Assert.NotEqual(ShmRemotingOptions.FailureDetectorClass, config.GetString("akka.remote.watch-failure-detector.implementation-class"));
        Assert.Equal(ShmRemotingOptions.FailureDetectorClass, SystemOf(b).Settings.Config.GetString("akka.remote.watch-failure-detector.implementation-class"));
        Assert.Equal("from a", await hosts.AskEchoAsync(a, "b", "from a"));
        Assert.Equal("from b", await hosts.AskEchoAsync(b, "a", "from b"));
    }

    [Fact]
    public async Task With_clustering_in_either_order_the_nodes_form_a_cluster_over_shm()
    {
        await using var hosts = new ShmRemotingHosts();
        var cluster = new ClusterOptions { SeedNodes = [hosts.AddressOf("a")] };
        IHost a = await hosts.StartAsync((akka, _) => akka.WithClustering(cluster).WithShmRemoting(shm => shm.HostName = "a"));
        IHost b = await hosts.StartAsync((akka, _) => akka.WithShmRemoting(shm => shm.HostName = "b").WithClustering(cluster));

        foreach (IHost host in (IHost[])[a, b])
        {
            Assert.IsType<ClusterActorRefProvider>(ProviderOf(host));
            Assert.Equal(ShmRemotingOptions.FailureDetectorClass, SystemOf(host).Settings.Config.GetString("akka.cluster.failure-detector.implementation-class"));
        }
        await Poll.UntilAsync(
            () => new[] { a, b }.All(host => Cluster.Get(SystemOf(host)).State.Members.Count(m => m.Status == MemberStatus.Up) == 2),
            "both nodes see a and b Up", TimeSpan.FromSeconds(60));
        Assert.Equal("ping", await hosts.AskEchoAsync(a, "b", "ping"));
    }

    [Fact]
    public async Task With_the_direct_path_the_nodes_use_the_direct_providers_alone_and_in_a_cluster()
    {
        await using var hosts = new ShmRemotingHosts();
        IHost a = await hosts.StartAsync((akka, _) => akka.WithShmRemoting(shm => { shm.HostName = "a"; shm.UseDirectPath = true; }));
        IHost b = await hosts.StartAsync((akka, _) => akka.WithShmRemoting(shm => { shm.HostName = "b"; shm.UseDirectPath = true; }));
        Assert.IsType<ShmRemoteActorRefProvider>(ProviderOf(a));
        Assert.IsType<ShmRemoteActorRefProvider>(ProviderOf(b));
        Assert.Equal("direct", await hosts.AskEchoAsync(a, "b", "direct"));

        await using var clustered = new ShmRemotingHosts();
        var cluster = new ClusterOptions { SeedNodes = [clustered.AddressOf("c")] };
        IHost c = await clustered.StartAsync((akka, _) => akka.WithClustering(cluster).WithShmRemoting(shm => { shm.HostName = "c"; shm.UseDirectPath = true; }));
        IHost d = await clustered.StartAsync((akka, _) => akka.WithClustering(cluster).WithShmRemoting(shm => { shm.HostName = "d"; shm.UseDirectPath = true; }));
        Assert.IsType<ShmClusterActorRefProvider>(ProviderOf(c));
        await Poll.UntilAsync(
            () => new[] { c, d }.All(host => Cluster.Get(SystemOf(host)).State.Members.Count(m => m.Status == MemberStatus.Up) == 2),
            "both nodes see c and d Up", TimeSpan.FromSeconds(60));
        Assert.Equal("clustered", await clustered.AskEchoAsync(d, "c", "clustered"));
    }

    [Fact]
    public async Task A_bad_option_fails_the_start_naming_the_setting_and_the_value()
    {
        await using var hosts = new ShmRemotingHosts();

        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => hosts.StartAsync((akka, _) => akka.WithShmRemoting(shm => shm.HostName = "bad name!")));

        ConfigurationException bad = FindInChain<ConfigurationException>(error);
        Assert.Contains("'bad name!'", bad.Message);
        Assert.Contains("hostname", bad.Message); // the key of akka.remote.shm that HostName becomes
    }

    [Fact]
    public void A_misspelt_setting_in_configuration_is_refused_not_ignored()
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Shm:HostNmae"] = "a" })
            .Build();

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => NewBuilder().WithShmRemoting(configuration.GetSection("Shm")));

        Assert.Contains("HostNmae", error.Message);
    }

    [Theory]
    [InlineData("cluster")]
    [InlineData("Akka.Cluster.ClusterActorRefProvider, Akka.Cluster")]
    [InlineData("remote")]
    [InlineData("Custom.ActorRefProvider, Custom")]
    public void A_provider_named_in_earlier_hocon_is_kept(string provider)
    {
        AkkaConfigurationBuilder builder = NewBuilder().AddHocon($"akka.actor.provider = \"{provider}\"", HoconAddMode.Append);

        builder.WithShmRemoting(shm => shm.HostName = "a");

        Assert.False(builder.ActorRefProvider.HasValue); // a provider chosen in code would override the HOCON one
        Assert.Equal(provider, builder.Configuration.Value.GetString("akka.actor.provider"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("local")]
    [InlineData("Akka.Actor.LocalActorRefProvider, Akka")]
    public void Without_a_remoting_provider_the_provider_becomes_remote(string? hoconProvider)
    {
        AkkaConfigurationBuilder builder = NewBuilder();
        if (hoconProvider is not null)
            builder.AddHocon($"akka.actor.provider = \"{hoconProvider}\"", HoconAddMode.Append);

        builder.WithShmRemoting(shm => shm.HostName = "a");

        Assert.Equal(ProviderSelection.Remote.Instance, builder.ActorRefProvider.Value);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        IConfiguration empty = new ConfigurationBuilder().Build();
        Assert.Throws<ArgumentNullException>("builder", () => ((AkkaConfigurationBuilder)null!).WithShmRemoting(new ShmRemotingOptions()));
        Assert.Throws<ArgumentNullException>("builder", () => ((AkkaConfigurationBuilder)null!).WithShmRemoting(_ => { }));
        Assert.Throws<ArgumentNullException>("builder", () => ((AkkaConfigurationBuilder)null!).WithShmRemoting(empty));
        Assert.Throws<ArgumentNullException>("options", () => NewBuilder().WithShmRemoting((ShmRemotingOptions)null!));
        Assert.Throws<ArgumentNullException>("configure", () => NewBuilder().WithShmRemoting((Action<ShmRemotingOptions>)null!));
        Assert.Throws<ArgumentNullException>("section", () => NewBuilder().WithShmRemoting((IConfiguration)null!));
    }

    private static AkkaConfigurationBuilder NewBuilder() => new(new ServiceCollection(), "builder-only");

    private static IActorRefProvider ProviderOf(IHost host) => ((ExtendedActorSystem)SystemOf(host)).Provider;

    private static T FindInChain<T>(Exception error) where T : Exception
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            if (e is T found)
                return found;
        }
        throw new Xunit.Sdk.XunitException($"No {typeof(T).Name} in the chain of: {error}");
    }
}
