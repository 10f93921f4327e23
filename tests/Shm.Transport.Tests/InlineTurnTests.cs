using Shm.TestKit.MultiNode;
using Shm.Transport.Driver;
using Shm.Transport.Remoting;
using Shm.TransportNode;

namespace Shm.Transport.Tests;

/// <summary>Replies "{text}:{thread name}"; "block" first waits for the gate (another actor's message opens it).</summary>
public sealed class Gated : ReceiveActor
{
    public Gated(ManualResetEventSlim gate) => Receive<string>(text =>
    {
        if (text == "block")
            gate.Wait(TimeSpan.FromMinutes(2));
        Sender.Tell($"{text}:{Thread.CurrentThread.Name}", Self);
    });
}

/// <summary>Opens the gate and replies "opened".</summary>
public sealed class Opener : ReceiveActor
{
    public Opener(ManualResetEventSlim gate) => ReceiveAny(_ =>
    {
        gate.Set();
        Sender.Tell("opened", Self);
    });
}

/// <summary>
/// Turns run on the transport threads (the inbox reader, the ask server) while they are quick, go to the pool when they
/// are slow, and a turn that blocks one of those threads hands its reading to a new thread.
/// </summary>
public sealed class InlineTurnTests
{
    private const string Reader = "Shm inbox b";
    private const string AskThread = "Shm asks b";

    [Fact]
    public void A_quick_actor_runs_on_the_inbox_reader_and_a_slow_one_is_handed_to_the_thread_pool()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        b.ActorOf(Props.Create(() => new Answerer()), "answerer");
        var (collector, inbox) = Collector.Start(a, "collector");
        cluster.AwaitMembers(a, "b");
        IActorRef answerer = a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/answerer"));

        // Retried: the actor's start-up turn may still be running on the pool when the first message arrives.
        bool inline = false;
        for (int i = 0; i < 50 && !inline; i++)
        {
            answerer.Tell(new WhereAmI(0), collector);
            inline = inbox.Next<string>() == Reader;
        }
        Assert.True(inline, "no quick turn ran on the inbox reader");
        // Slow turns raise the average past its limit within two timed turns: from then on turns go to the pool.
        var threads = new List<string>();
        for (int i = 0; i < 4 * Driver.QuickTurns.SampleEvery; i++)
        {
            answerer.Tell(new WhereAmI(2000), collector);
            threads.Add(inbox.Next<string>());
        }
        Assert.Equal(Reader, threads[0]);
        Assert.All(threads.Skip(2 * Driver.QuickTurns.SampleEvery), thread => Assert.NotEqual(Reader, thread));
    }

    [Fact]
    public void A_turn_that_blocks_the_inbox_reader_until_a_later_message_arrives_is_released_by_a_new_reader()
    {
        using var gate = new ManualResetEventSlim();
        using var cluster = new MultiNodeCluster();
        var (a, b, gated, opener) = StartGated(cluster, gate);
        var (collector, inbox) = Collector.Start(a, "collector");
        AwaitTurnOn(Reader, () =>
        {
            gated.Tell("where", collector);
            return inbox.Next<string>();
        });

        // The gated turn blocks the reader, and the message that opens the gate is behind it in the same inbox: only
        // a new reader can deliver it.
        gated.Tell("block", collector);
        opener.Tell("open", collector);
        // Either reply may come first: the gated actor answers as soon as the opener has opened the gate.
        string[] replies = [inbox.Next<string>(), inbox.Next<string>()];
        Assert.Equal([$"block:{Reader}", "opened"], replies.Order(StringComparer.Ordinal));
        var driver = (ShmTransportDriver)ShmTransport.NodeOf(b).Driver;
        Assert.Equal(1, driver.ReaderTakeOvers);

        // The node reads on as before, on the new reader.
        gated.Tell("after", collector);
        Assert.StartsWith("after:", inbox.Next<string>());
    }

    [Fact]
    public async Task A_turn_that_blocks_the_ask_server_until_a_later_ask_arrives_is_released_by_a_new_server_thread()
    {
        using var gate = new ManualResetEventSlim();
        using var cluster = new MultiNodeCluster();
        var (_, b, gated, opener) = StartGated(cluster, gate);
        TimeSpan timeout = TimeSpan.FromSeconds(30);
        AwaitTurnOn(AskThread, () => gated.Ask<string>("where", timeout).GetAwaiter().GetResult());

        Task<string> blocked = gated.Ask<string>("block", timeout);
        Assert.Equal("opened", await opener.Ask<string>("open", timeout));
        Assert.Equal($"block:{AskThread}", await blocked);
        Assert.Equal(1, ShmTransport.NodeOf(b).AskServerTakeOvers);
        Assert.StartsWith("after:", await gated.Ask<string>("after", timeout));
    }

    /// <summary>Nodes a and b, b with a gated actor and its opener; their refs as node a resolves them.</summary>
    private static (ActorSystem A, ActorSystem B, IActorRef Gated, IActorRef Opener) StartGated(MultiNodeCluster cluster, ManualResetEventSlim gate)
    {
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        b.ActorOf(Props.Create(() => new Gated(gate)), "gated");
        b.ActorOf(Props.Create(() => new Opener(gate)), "opener");
        cluster.AwaitMembers(a, "b");
        return (a, b, a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/gated")), a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/opener")));
    }

    /// <summary>Asks "where" until the reply says the turn ran on <paramref name="thread"/> (the actor's start-up turn may hold it on the pool at first).</summary>
    private static void AwaitTurnOn(string thread, Func<string> where)
    {
        for (int i = 0; i < 50; i++)
        {
            if (where() == $"where:{thread}")
                return;
        }
        Assert.Fail($"no turn ran on {thread}");
    }
}
