using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shm.Transport;

namespace Shm.Hosting.Tests;

public sealed class HostingTests
{
    private static readonly TimeSpan s_ask = TimeSpan.FromSeconds(10);

    private static string UniqueSystem() => "hosting-" + Guid.NewGuid().ToString("N")[..10];

    private static IHost Build(Action<HostApplicationBuilder> configure)
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        configure(builder);
        return builder.Build();
    }

    [Fact]
    public async Task The_host_starts_and_stops_the_actor_system()
    {
        using IHost host = Build(b => b.Services.AddShmActorSystem(UniqueSystem(), shm => shm
            .WithActors((system, registry) => registry.Register<EchoKey>(system.ActorOf(Props.Create<Echo>(), "echo")))));
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();

        await host.StartAsync();
        IActorRef echo = host.Services.GetRequiredService<IRequiredActor<EchoKey>>().ActorRef;
        Assert.Equal("ping", await echo.Ask<string>("ping", s_ask));
        Assert.False(system.WhenTerminated.IsCompleted);

        await host.StopAsync();
        Assert.True(system.WhenTerminated.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task The_registry_resolves_actors_by_key_and_refuses_duplicates()
    {
        using IHost host = Build(b => b.Services.AddShmActorSystem(UniqueSystem(), shm => shm
            .WithActors((system, registry) => registry.Register<EchoKey>(system.ActorOf(Props.Create<Echo>(), "echo")))));
        await host.StartAsync();
        try
        {
            ActorRegistry registry = host.Services.GetRequiredService<ActorRegistry>();
            ActorSystem system = host.Services.GetRequiredService<ActorSystem>();

            IActorRef echo = registry.Get<EchoKey>();
            Assert.Equal("/user/echo", echo.Path.ToStringWithoutAddress());
            Assert.Same(echo, await host.Services.GetRequiredService<IRequiredActor<EchoKey>>().GetAsync());
            Assert.Throws<DuplicateActorRegistrationException>(() => registry.Register<EchoKey>(system.DeadLetters));
            MissingActorRegistryEntryException missing = Assert.Throws<MissingActorRegistryEntryException>(() => registry.Get<LoggerKey>());
            Assert.Contains("EchoKey", missing.Message);

            // GetAsync waits for a registration that comes later.
            Task<IActorRef> later = host.Services.GetRequiredService<IRequiredActor<LoggerKey>>().GetAsync();
            Assert.False(later.IsCompleted);
            IActorRef shouter = system.ActorOf(Props.Create<Shouter>(), "shouter");
            registry.Register<LoggerKey>(shouter);
            Assert.Same(shouter, await later.WaitAsync(s_ask));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Actor_logs_reach_the_hosts_logger_providers()
    {
        var provider = new CollectingLoggerProvider();
        using IHost host = Build(b =>
        {
            b.Logging.AddProvider(provider);
            b.Services.AddShmActorSystem(UniqueSystem(), shm => shm
                .WithActors((system, registry) => registry.Register<LoggerKey>(system.ActorOf(Props.Create<Shouter>(), "shouter"))));
        });
        await host.StartAsync();
        try
        {
            IActorRef shouter = host.Services.GetRequiredService<ActorRegistry>().Get<LoggerKey>();
            Assert.Equal("done", await shouter.Ask<string>(new Shout("hello-host"), s_ask));

            await Poll.UntilAsync(() => provider.Entries.Any(e => e.Message.Contains("shouting hello-host")), "the actor's log entry");
            var entry = provider.Entries.First(e => e.Message.Contains("shouting hello-host"));
            Assert.Equal(LogLevel.Information, entry.Level);
            Assert.Equal(typeof(Shouter).FullName, entry.Category);
            Assert.Contains(provider.Entries, e => e.Message.Contains("started"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task The_hosts_log_level_configuration_sets_the_actor_log_level()
    {
        using IHost host = Build(b =>
        {
            b.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Debug" });
            b.Logging.AddConfiguration(b.Configuration.GetSection("Logging"));
            b.Logging.AddProvider(new CollectingLoggerProvider());
            b.Services.AddShmActorSystem(UniqueSystem(), _ => { });
        });

        Assert.Equal(Shm.Actors.Event.LogLevel.DebugLevel, host.Services.GetRequiredService<ActorSystem>().Settings.LogLevel);
        await host.StartAsync();
        await host.StopAsync();
    }

    [Fact]
    public async Task Transport_options_bind_from_configuration_and_the_node_joins_its_system()
    {
        string directory = Path.Combine("/dev/shm", "shmhost-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(directory);
        string systemName = UniqueSystem();
        try
        {
            using IHost host = Build(b =>
            {
                b.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
                {
                    ["Shm:NodeName"] = "worker-7",
                    ["Shm:SegmentDirectory"] = directory,
                    ["Shm:InboxCapacity"] = "64",
                    ["Shm:MaxMessageBytes"] = "4096",
                });
                b.Services.AddShmActorSystem(systemName, shm => shm.WithShmTransport("Shm"));
            });
            await host.StartAsync();
            ActorSystem system = host.Services.GetRequiredService<ActorSystem>();

            Assert.Equal("worker-7", system.Settings.Node);
            ShmTransportOptions options = ShmTransport.NodeOf(system).Options;
            Assert.Equal(directory, options.SegmentDirectory);
            Assert.Equal(64, options.InboxCapacity);
            Assert.Equal(4096, options.MaxMessageBytes);
            Assert.True(File.Exists(Path.Combine(directory, systemName + ".nodes")));
            Assert.Single(Directory.GetFiles(directory, "*.inbox"));

            await host.StopAsync();
            Assert.Empty(Directory.GetFiles(directory, "*.inbox")); // a clean stop leaves the directory and removes the inbox
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Code_after_a_configuration_section_overrides_it()
    {
        IConfiguration section = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["NodeName"] = "from-config", ["InboxCapacity"] = "128" })
            .Build();
        using IHost host = Build(b => b.Services.AddShmActorSystem(UniqueSystem(), shm => shm
            .WithShmTransport(section, options => options.NodeName = "from-code")));

        ShmTransportOptions options = ShmActorSystemHost.BuildTransportOptions(
            host.Services.GetRequiredService<ShmActorSystemBuilder>(), host.Services);

        Assert.Equal("from-code", options.NodeName);
        Assert.Equal(128, options.InboxCapacity);
    }

    [Fact]
    public async Task A_system_that_terminates_on_its_own_stops_the_application()
    {
        using IHost host = Build(b => b.Services.AddShmActorSystem(UniqueSystem(), _ => { }));
        await host.StartAsync();
        IHostApplicationLifetime lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();

        await host.Services.GetRequiredService<ActorSystem>().Terminate();

        await Poll.UntilAsync(() => lifetime.ApplicationStopping.IsCancellationRequested, "the application to be told to stop");
        await host.StopAsync();
    }

    [Fact]
    public async Task A_failing_starter_fails_the_host_start_and_terminates_the_system()
    {
        using IHost host = Build(b => b.Services.AddShmActorSystem(UniqueSystem(), shm => shm
            .WithActors((_, _) => throw new InvalidOperationException("no actors today"))));
        ActorSystem system = host.Services.GetRequiredService<ActorSystem>();

        InvalidOperationException error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Equal("no actors today", error.Message);
        Assert.True(system.WhenTerminated.IsCompleted);
    }

    [Fact]
    public async Task Starters_get_the_applications_services()
    {
        var seen = new List<string>();
        using IHost host = Build(b =>
        {
            b.Services.AddSingleton(seen);
            b.Services.AddShmActorSystem(UniqueSystem(), shm => shm
                .WithActors((system, _, services) => services.GetRequiredService<List<string>>().Add(system.Name)));
        });

        await host.StartAsync();
        await host.StopAsync();

        Assert.Single(seen);
    }

    [Fact]
    public void Only_one_actor_system_per_service_collection()
    {
        var services = new ServiceCollection();
        services.AddShmActorSystem("first", _ => { });

        InvalidOperationException error = Assert.Throws<InvalidOperationException>(() => services.AddShmActorSystem("second", _ => { }));
        Assert.Contains("second", error.Message);
    }
}
