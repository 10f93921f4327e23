using System.Text;
using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Hosting;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shm.Primitives;
using Shm.Transport.Remote;
using Shm.Actors.PubSub;

namespace Shm.Hosting.Tests;

/// <summary>
/// The snippets of the README's "Hosting with Akka.Hosting" section, each run here as it is printed (the last test
/// checks that every C# block of the section appears verbatim in these tests or in examples/WorkerService, which
/// <see cref="WorkerServiceTests"/> runs). They use the README's names: system "orders", node "worker-1" in /dev/shm;
/// the segments a test creates are removed after it.
/// </summary>
public sealed class HostingReadmeTests
{
    private const string Section = "## Hosting with Akka.Hosting";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    public sealed record PriceChanged(string Item, int Cents);

    /// <summary>Answers "ok".</summary>
    private sealed class Orders : ReceiveActor
    {
        public Orders() => ReceiveAny(_ => Sender.Tell("ok"));
    }

    /// <summary>Answers "done".</summary>
    private sealed class Jobs : ReceiveActor
    {
        public Jobs() => ReceiveAny(_ => Sender.Tell("done"));
    }

    /// <summary>Hands every message it gets to a callback.</summary>
    private sealed class Collector : ReceiveActor
    {
        public Collector(Action<object> received) => ReceiveAny(received);
    }

    [Fact]
    public async Task The_one_call_setup_puts_the_system_on_shm()
    {
        HostApplicationBuilder builder = NewHostBuilder();
        builder.Services.AddAkka("orders", (akka, services) => akka
            .WithShmRemoting(shm => shm.HostName = "worker-1")                       // akka.shm://orders@worker-1:1
            .WithActors((system, registry) =>
                registry.Register<Orders>(system.ActorOf(Props.Create<Orders>(), "orders"))));

        await RunAsync(builder, async host =>
        {
            Assert.Equal("akka.shm://orders@worker-1:1", ProviderOf(host).DefaultAddress.ToString());
            IActorRef orders = await host.Services.GetRequiredService<IRequiredActor<Orders>>().GetAsync();
            Assert.Equal("ok", await orders.Ask<string>("an order", s_timeout));
        });
    }

    [Fact]
    public async Task The_options_come_from_the_readmes_json_and_code_wins()
    {
        HostApplicationBuilder builder = NewHostBuilder();
        builder.Configuration.AddJsonStream(new MemoryStream(Encoding.UTF8.GetBytes(Block("json").Single())));
        builder.Services.AddAkka("orders", akka => akka
            .WithShmRemoting(builder.Configuration.GetSection("Shm"), shm => shm.OutboundBufferMessages = 50_000));

        await RunAsync(builder, host =>
        {
            Akka.Configuration.Config config = host.Services.GetRequiredService<ActorSystem>().Settings.Config;
            Assert.Equal(4096, config.GetLong("akka.remote.shm.inbox-capacity"));
            Assert.Equal("sleep", config.GetString("akka.remote.shm.wait-strategy"));
            Assert.Equal(50_000, config.GetInt("akka.remote.shm.outbound-buffer-messages"));
            Assert.Equal("akka.shm://orders@worker-1:1", ProviderOf(host).DefaultAddress.ToString());
            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Clustering_before_the_direct_path_gives_a_direct_cluster_node()
    {
        HostApplicationBuilder builder = NewHostBuilder();
        builder.Services.AddAkka("orders", akka =>
        {
            akka.WithClustering(new ClusterOptions { SeedNodes = ["akka.shm://orders@worker-1:1"] })
                .WithShmRemoting(shm => { shm.HostName = "worker-1"; shm.UseDirectPath = true; });
        });

        await RunAsync(builder, async host =>
        {
            Assert.IsType<ShmClusterActorRefProvider>(ProviderOf(host));
            Cluster cluster = Cluster.Get(host.Services.GetRequiredService<ActorSystem>());
            await Poll.UntilAsync(() => cluster.SelfMember.Status == MemberStatus.Up, "the node to be Up", s_timeout);
        });
    }

    [Fact]
    public async Task The_mailbox_snippet_gives_the_actor_its_ring()
    {
        HostApplicationBuilder builder = NewHostBuilder();
        builder.Services.AddAkka("orders", akka =>
        {
            akka.WithShmRemoting(shm => { shm.HostName = "worker-1"; shm.UseDirectPath = true; })
                .WithShmMailbox("shm-mailbox", mailbox => mailbox.Capacity = 65_536)
                .WithActors((system, registry) =>
                    registry.Register<Jobs>(system.ActorOf(Props.Create<Jobs>().WithMailbox("shm-mailbox"), "jobs")));
        });

        await RunAsync(builder, async host =>
        {
            await host.Services.GetRequiredService<IRequiredActor<Jobs>>().GetAsync();
            // A top-level actor's cell (and so its mailbox) is made asynchronously after ActorOf returns.
            await Poll.UntilAsync(() => File.Exists("/dev/shm/orders.worker-1.mbox~user~jobs"), "the actor's ring", s_timeout);
            using ShmByteQueue ring = ShmByteQueue.OpenExisting("/dev/shm/orders.worker-1.mbox~user~jobs");
            Assert.Equal(65_536, ring.Capacity);
        });
    }

    [Fact]
    public async Task The_pub_sub_snippets_deliver_a_publish_to_a_subscriber()
    {
        HostApplicationBuilder builder = NewHostBuilder();
        builder.Services.AddAkka("orders", akka =>
        {
            akka.WithShmRemoting(shm => shm.HostName = "worker-1")
                .WithShmPubSub(pubSub =>
                {
                    pubSub.TopicCapacity = 4096;
                    pubSub.SharedEventTypes.Add(typeof(PriceChanged));   // EventStream publications of it reach every node
                });
        });

        await RunAsync(builder, async host =>
        {
            var received = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
            IActorRef board = host.Services.GetRequiredService<ActorSystem>().ActorOf(Props.Create<Collector>((Action<object>)(m => received.TrySetResult(m))));

            IActorRef mediator = await host.Services.GetRequiredService<IRequiredActor<ShmPubSub>>().GetAsync();
            await mediator.Ask<SubscribeAck>(new Subscribe("prices", board));
            mediator.Tell(new Publish("prices", new PriceChanged("tea", 250)));

            Assert.Equal(new PriceChanged("tea", 250), await received.Task.WaitAsync(s_timeout));
            using ShmBytePubSub ring = ShmBytePubSub.OpenExisting($"/dev/shm/{Shm.Actors.PubSub.TopicName.SegmentName("orders", "prices")}");
            Assert.Equal(4096, ring.Capacity);
        });
    }

    [Fact]
    public void Every_csharp_snippet_of_the_section_is_run_by_a_test_or_is_the_examples_code()
    {
        string Normalize(string text) => Regex.Replace(text, @"\s+", " ").Trim();
        string root = RepositoryRoot();
        string sources = Normalize(string.Join('\n',
            new[] { "tests/Shm.Hosting.Tests", "examples/WorkerService" }
                .SelectMany(dir => Directory.GetFiles(Path.Combine(root, dir), "*.cs"))
                .Select(File.ReadAllText)));

        string[] snippets = Block("csharp");

        Assert.True(snippets.Length >= 6, $"only {snippets.Length} C# blocks found in the section");
        foreach (string snippet in snippets)
            Assert.True(sources.Contains(Normalize(snippet)), $"This snippet is run by no test and is not the example's code:\n{snippet}");
    }

    private static HostApplicationBuilder NewHostBuilder()
    {
        HostApplicationBuilder builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = s_timeout);
        return builder;
    }

    /// <summary>
    /// Starts the host, runs <paramref name="check"/>, stops it, and removes the segments of "orders" in /dev/shm that
    /// were not there before (the node directory, mailbox and topic rings). The tests of this class run one at a time.
    /// </summary>
    private static async Task RunAsync(HostApplicationBuilder builder, Func<IHost, Task> check)
    {
        HashSet<string> before = [.. Directory.GetFiles("/dev/shm", "orders.*")];
        using IHost host = builder.Build();
        using var timeout = new CancellationTokenSource(s_timeout);
        await host.StartAsync(timeout.Token);
        try
        {
            await check(host);
        }
        finally
        {
            using var stopTimeout = new CancellationTokenSource(s_timeout);
            await host.StopAsync(stopTimeout.Token);
            foreach (string file in Directory.GetFiles("/dev/shm", "orders.*").Where(file => !before.Contains(file)))
                File.Delete(file);
        }
    }

    private static IActorRefProvider ProviderOf(IHost host) => ((ExtendedActorSystem)host.Services.GetRequiredService<ActorSystem>()).Provider;

    private static string RepositoryRoot()
    {
        string dir = AppContext.BaseDirectory.TrimEnd('/');   // tests/Shm.Hosting.Tests/bin/{config}/net10.0
        return Path.GetFullPath(Path.Combine(dir, "../../../../.."));
    }

    /// <summary>
    /// The fenced blocks of <paramref name="language"/> in README.md's section.
    /// </summary>
    private static string[] Block(string language)
    {
        string root = RepositoryRoot();
        string text = File.ReadAllText(Path.Combine(root, "README.md"));
        int start = text.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no section '{Section}'");
        int end = text.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        string section = end < 0 ? text[start..] : text[start..end];
        return [.. Regex.Matches(section, $"```{language}\\n(.*?)\\n```", RegexOptions.Singleline).Select(match => match.Groups[1].Value)];
    }
}
