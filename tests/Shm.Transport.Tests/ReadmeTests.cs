using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Configuration;
using Shm.Actors.PubSub;
using Shm.TestKit;
using Shm.Transport.Remote;

namespace Shm.Transport.Tests;

/// <summary>
/// The HOCON blocks of the README's "Use it from Akka.NET" section, each run as printed: the four lines that put
/// Akka.Remote on shm, the direct-path provider, the shm mailbox and the pub/sub block.
/// </summary>
public sealed class ReadmeTests : IDisposable
{
    private const string Section = "## Use it from Akka.NET";
    private readonly ShmNodes _nodes = new("readme");
    private readonly List<ActorSystem> _systems = [];

    private static string[] HoconBlocks()
    {
        string dir = AppContext.BaseDirectory.TrimEnd('/'); // tests/Shm.Transport.Tests/bin/{config}/net10.0
        string readme = File.ReadAllText(Path.GetFullPath(Path.Combine(dir, "../../../../../README.md")));
        int start = readme.IndexOf(Section, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no section '{Section}'");
        int end = readme.IndexOf("\n## ", start + Section.Length, StringComparison.Ordinal);
        string section = end < 0 ? readme[start..] : readme[start..end];
        return [.. Regex.Matches(section, "```hocon\\n(.*?)\\n```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)];
    }

    private static string Block(string containing) => Assert.Single(HoconBlocks(), block => block.Contains(containing, StringComparison.Ordinal));

    private ActorSystem Start(string hocon)
    {
        var system = ActorSystem.Create(_nodes.SystemName, ConfigurationFactory.ParseString(hocon + """

            akka.loglevel = WARNING
            akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
            """));
        _systems.Add(system);
        return system;
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }

    [Fact]
    public async Task The_four_lines_put_Akka_Remote_on_shm()
    {
        string fourLines = Block("akka.remote.enabled-transports");
        ActorSystem worker1 = Start(fourLines);
        ActorSystem worker2 = Start(fourLines.Replace("hostname = worker-1", "hostname = worker-2"));
        worker2.ActorOf(Props.Create(() => new Echo()), "jobs");
        Assert.Equal(new Address("akka.shm", _nodes.SystemName, "worker-1", SharedMemoryTransport.Port),
            ((ExtendedActorSystem)worker1).Provider.DefaultAddress);
        IActorRef jobs = await worker1.ActorSelection($"akka.shm://{_nodes.SystemName}@worker-2:1/user/jobs").ResolveOne(TimeSpan.FromSeconds(30));
        Assert.Equal(42, await jobs.Ask<int>(42, TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task The_provider_line_puts_the_system_on_the_direct_path_and_the_mailbox_block_gives_an_actor_its_ring()
    {
        string hocon = Block("akka.remote.enabled-transports") + "\n" + Block("ShmRemoteActorRefProvider") + "\n" + Block("shm-mailbox");
        ActorSystem worker1 = Start(hocon);
        Assert.IsType<ShmRemoteActorRefProvider>(((ExtendedActorSystem)worker1).Provider);
        IActorRef jobs = worker1.ActorOf(Props.Create(() => new Echo()).WithMailbox("shm-mailbox"), "jobs");
        Assert.Equal("hello", await jobs.Ask<string>("hello", TimeSpan.FromSeconds(30)));
        Assert.True(File.Exists($"/dev/shm/{_nodes.SystemName}.worker-1.mbox~user~jobs"));
    }

    [Fact]
    public async Task The_pub_sub_block_configures_ShmPubSub()
    {
        string hocon = Block("akka.remote.enabled-transports") + "\n" + Block("ShmRemoteActorRefProvider") + "\n" + Block("akka.shm.pub-sub");
        ActorSystem worker1 = Start(hocon);
        ShmPubSub pubSub = ShmPubSub.Get(worker1);
        var probe = new Akka.TestKit.Xunit2.TestKit(worker1);
        IActorRef subscriber = probe.TestActor;
        await pubSub.Mediator.Ask<Akka.Cluster.Tools.PublishSubscribe.SubscribeAck>(
            new Akka.Cluster.Tools.PublishSubscribe.Subscribe("prices", subscriber), TimeSpan.FromSeconds(30));
        pubSub.Mediator.Tell(new Akka.Cluster.Tools.PublishSubscribe.Publish("prices", "EURUSD 1.0842"));
        probe.ExpectMsg("EURUSD 1.0842", TimeSpan.FromSeconds(30));
        using var ring = Primitives.ShmBytePubSub.OpenExisting($"/dev/shm/{TopicName.SegmentName(_nodes.SystemName, "prices")}");
        Assert.Equal(16384, ring.Capacity);
    }

    public void Dispose()
    {
        Task.WaitAll([.. _systems.Select(s => s.Terminate())], TimeSpan.FromSeconds(30));
        _nodes.Dispose();
    }
}
