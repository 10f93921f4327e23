using Akka.Actor;
using Shm.RemoteNode;
using Shm.TestKit;
using Shm.Transport.Remote;

namespace Shm.Transport.Tests;

/// <summary>
/// The direct path between two systems of this process (the test kit's is node "a", each test starts "b"): refs to
/// the other node are direct refs, and Akka's guarantees hold on them.
/// </summary>
public sealed class DirectPathTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly ShmNodes _nodes;

    public DirectPathTests() : this(new ShmNodes())
    {
    }

    private DirectPathTests(ShmNodes nodes) : base(nodes.ConfigOf("a", provider: NodeConfig.DirectProvider), nodes.SystemName)
    {
        _nodes = nodes;
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }

    /// <summary>On "burst N": sends 0..N-1 to the sender, then stops itself.</summary>
    private sealed class Burster : ReceiveActor
    {
        public Burster() => Receive<int>(count =>
        {
            for (int i = 0; i < count; i++)
                Sender.Tell(i);
            Context.Stop(Self);
        });
    }

    private ActorSystem? _b;

    private ActorSystem StartB() => _b ??= _nodes.Start("b", provider: NodeConfig.DirectProvider);

    private ActorSystem StartB2()
    {
        ActorSystem b = StartB();
        b.ActorOf(Props.Create(() => new Echo()), "echo2");
        return b;
    }

    private async Task<IActorRef> Resolve(string path) =>
        await Sys.ActorSelection(new RootActorPath(_nodes.AddressOf("b")) / "user" / path).ResolveOne(TimeSpan.FromSeconds(20));

    [Fact]
    public async Task Refs_to_another_node_are_direct_and_tell_ask_and_keep_order()
    {
        StartB().ActorOf(Props.Create(() => new Echo()), "echo");
        IActorRef echo = await Resolve("echo");
        Assert.IsType<DirectActorRef>(echo);
        Assert.Equal("hello", await echo.Ask<string>("hello", TimeSpan.FromSeconds(20)));
        for (int i = 0; i < 10_000; i++)
            echo.Tell(i, TestActor);
        for (int i = 0; i < 10_000; i++)
            ExpectMsg(i);
        Assert.IsType<DirectActorRef>(LastSender); // the reply's sender, resolved on this node, is direct too
    }

    [Fact]
    public async Task Terminated_comes_after_the_last_message_the_dead_actor_sent()
    {
        StartB().ActorOf(Props.Create(() => new Burster()), "burster");
        IActorRef burster = await Resolve("burster");
        Watch(burster);
        burster.Tell(5000, TestActor);
        for (int i = 0; i < 5000; i++)
            ExpectMsg(i);
        // The watch may reach b after the burster stopped (it goes through this node's remote watcher, the burst
        // straight from here): Terminated then says so, but it still comes after every message the burster sent.
        Terminated terminated = ExpectTerminated(burster);
        Assert.False(terminated.AddressTerminated);
    }

    [Fact]
    public async Task Watching_an_actor_that_stops_delivers_Terminated()
    {
        ActorSystem b = StartB();
        IActorRef local = b.ActorOf(Props.Create(() => new Echo()), "victim");
        IActorRef victim = await Resolve("victim");
        Watch(victim);
        Assert.Equal("ping", await victim.Ask<string>("ping", TimeSpan.FromSeconds(20)));
        local.Tell(PoisonPill.Instance);
        ExpectTerminated(victim);
    }

    [Fact]
    public async Task A_message_to_a_node_that_is_gone_is_a_dead_letter()
    {
        ActorSystem b = StartB();
        b.ActorOf(Props.Create(() => new Echo()), "echo");
        IActorRef echo = await Resolve("echo");
        Assert.Equal(1, await echo.Ask<int>(1, TimeSpan.FromSeconds(20)));
        await b.Terminate();
        var provider = (ShmRemoteActorRefProvider)((ExtendedActorSystem)Sys).Provider;
        AwaitCondition(() =>
        {
            echo.Tell("lost", TestActor);
            return provider.DirectDeadLetters > 0;
        }, TimeSpan.FromSeconds(30));
    }

    /// <summary>Answers each message with the name of the thread its turn ran on.</summary>
    private sealed class ThreadReporter : ReceiveActor
    {
        public ThreadReporter() => ReceiveAny(_ => Sender.Tell(Thread.CurrentThread.Name ?? "pool"));
    }

    /// <summary>On "wait", blocks its turn until a "release" has arrived, which only a reader can deliver.</summary>
    private sealed class Blocker : ReceiveActor
    {
        private static readonly ManualResetEventSlim s_released = new();

        public Blocker()
        {
            Receive<string>(message => message == "wait", _ =>
            {
                Assert.True(s_released.Wait(TimeSpan.FromSeconds(60)), "the release was never delivered");
                Sender.Tell("waited");
            });
            Receive<string>(message => message == "release", _ => Sender.Tell("released"));
        }

        public static void Release() => s_released.Set();
    }

    [Fact]
    public async Task Quick_turns_run_on_the_inbox_reader()
    {
        StartB().ActorOf(Props.Create(() => new ThreadReporter()), "reporter");
        IActorRef reporter = await Resolve("reporter");
        var threads = new List<string>();
        for (int i = 0; i < 4 * Shm.Node.QuickTurns.SampleEvery; i++)
        {
            reporter.Tell(i, TestActor); // a Tell arrives through the inbox (an ask through the ask server: DirectAskTests)
            threads.Add(ExpectMsg<string>());
        }
        Assert.Contains("Shm inbox b", threads);
    }

    [Fact]
    public async Task A_turn_that_blocks_the_reader_is_taken_over_and_the_node_goes_on()
    {
        StartB().ActorOf(Props.Create(() => new Blocker()), "blocker");
        StartB2();
        IActorRef blocker = await Resolve("blocker");
        // The blocked turn holds b's reader; the watchdog hands the reading to a new thread, which delivers the
        // message that a second actor on b needs to answer, and later ones.
        blocker.Tell("wait", TestActor);
        IActorRef echoOnB = await Sys.ActorSelection(new RootActorPath(_nodes.AddressOf("b")) / "user" / "echo2").ResolveOne(TimeSpan.FromSeconds(30));
        Assert.Equal("through", await echoOnB.Ask<string>("through", TimeSpan.FromSeconds(30)));
        Blocker.Release();
        ExpectMsg("waited", TimeSpan.FromSeconds(30));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _nodes.Dispose();
    }
}
