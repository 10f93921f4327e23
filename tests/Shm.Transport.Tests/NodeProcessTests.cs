using System.Collections.Concurrent;
using Shm.TestKit.MultiNode;
using Shm.TransportNode;

namespace Shm.Transport.Tests;

public sealed class NodeProcessTests
{
    private static readonly int BlastMessages = (int)Math.Max(1, long.TryParse(Environment.GetEnvironmentVariable("SHM_REMOTE_MESSAGES"), out long n) ? n : 1_000_000);

    [Fact]
    public void Three_node_processes_pass_refs_inside_messages_and_keep_per_sender_order_over_a_million_messages()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        var (collector, inbox) = Collector.Start(a, "collector");
        // Each blaster sends its whole stream in one burst, far faster than one reader drains it: the senders' outbound
        // buffers must hold it all (past the bound the transport drops to dead letters, by design).
        string buffer = "buffer=" + (BlastMessages + 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
        cluster.StartProcess("b", NodeProgram.Dll, buffer);
        cluster.StartProcess("c", NodeProgram.Dll, buffer);
        cluster.AwaitMembers(a, "b", "c");
        IActorRef echoB = a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/echo"));
        IActorRef echoC = a.Provider.ResolveActorRef(cluster.PathOf("c", "/user/echo"));

        // a -> b (a ref to c's echo inside) -> c -> a: the ref crossed two processes and still works.
        TestWaitForPeers(a, echoB, echoC, collector, inbox);
        echoB.Tell(new Relay(echoC, "via b and c"), collector);
        var (relayed, from) = inbox.Next();
        Assert.Equal("via b and c", relayed);
        Assert.Equal(echoC.Path.ToString(), from.Path.ToString());

        // 4 senders in two processes, one receiver here: per-sender order, nothing lost.
        int perSender = BlastMessages / 4;
        for (int s = 0; s < 4; s++)
            (s < 2 ? echoB : echoC).Tell(new Blast(collector, s, perSender));
        var next = new int[4];
        for (long k = 0; k < 4L * perSender; k++)
        {
            var numbered = (Numbered)inbox.Next(120).Message;
            Assert.Equal(next[numbered.Sender]++, numbered.Sequence);
        }
        Assert.All(next, n => Assert.Equal(perSender, n));
    }

    /// <summary>b and c must also see a (and each other) before relays between them can work.</summary>
    private static void TestWaitForPeers(ActorSystem a, IActorRef echoB, IActorRef echoC, IActorRef collector, BlockingCollection<(object Message, IActorRef Sender)> inbox)
    {
        foreach (IActorRef echo in new[] { echoB, echoC })
        {
            echo.Tell("ping", collector);
            Assert.Equal("ping", inbox.Next().Message);
        }
        // b -> c: retry until b has seen c join (membership is asynchronous); each relay is answered or dead-lettered.
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            echoB.Tell(new Relay(echoC, "probe"), collector);
            if (inbox.TryTake(out var reply, TimeSpan.FromMilliseconds(200)) && Equals(reply.Message, "probe"))
                break;
            Assert.True(DateTime.UtcNow < deadline, "b never reached c");
        }
        while (inbox.TryTake(out _, TimeSpan.FromMilliseconds(200)))
        {
        }
    }

    [Fact]
    public void A_killed_node_is_reported_down_its_watched_actors_terminate_and_it_rejoins_with_a_new_incarnation()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        var (collector, inbox) = Collector.Start(a, "collector");
        a.EventStream.Subscribe<MemberUp>(collector);
        a.EventStream.Subscribe<MemberDown>(collector);
        a.EventStream.Subscribe<Actors.Event.DeadLetter>(collector);
        string echoPath = cluster.PathOf("b", "/user/echo");

        NodeProcess first = cluster.StartProcess("b", NodeProgram.Dll);
        MemberUp up = inbox.Next<MemberUp>(u => u.Address.Host == "b");
        Assert.Equal(first.Pid, up.ProcessId);
        a.ActorSelection(echoPath).Tell("hello", collector);
        var (echoed, echo) = inbox.Next();
        Assert.Equal("hello", echoed);

        var watched = new BlockingCollection<(object Message, IActorRef Sender)>();
        a.ActorOf(Props.Create(() => new DeathWatcher(echo, watched)), "watcher");
        Assert.Equal("watching", watched.Next().Message);

        first.Kill();
        MemberDown down = inbox.Next<MemberDown>(d => d.Address.Host == "b");
        Assert.True(down.Died);
        Assert.Equal(up.Incarnation, down.Incarnation);
        var terminated = watched.Next<Terminated>();
        Assert.True(terminated.AddressTerminated);
        Assert.Equal(echo, terminated.ActorRef);

        echo.Tell("to the dead node", collector);
        Assert.Equal("to the dead node", inbox.Next<Actors.Event.DeadLetter>().Message);

        NodeProcess second = cluster.StartProcess("b", NodeProgram.Dll);
        MemberUp again = inbox.Next<MemberUp>(u => u.Address.Host == "b");
        Assert.True(again.Incarnation > up.Incarnation);
        Assert.Equal(second.Pid, again.ProcessId);

        // The old incarnation's ref (its uid) reaches no one; the path reaches the new echo.
        echo.Tell("to the old incarnation", collector);
        a.ActorSelection(echoPath).Tell("to the new incarnation", collector);
        Assert.Equal("to the new incarnation", inbox.Next<string>());
        Assert.True(second.Leave(TimeSpan.FromMinutes(1)));
        Assert.False(inbox.Next<MemberDown>(d => d.Address.Host == "b").Died);
    }

    /// <summary>Watches a remote actor, proves the watch is in place with a round trip, reports Terminated.</summary>
    private sealed class DeathWatcher : ReceiveActor
    {
        public DeathWatcher(IActorRef target, BlockingCollection<(object, IActorRef)> into)
        {
            Context.Watch(target);
            target.Tell("watching", Self);
            ReceiveAny(message => into.Add((message, Sender)));
        }
    }
}
