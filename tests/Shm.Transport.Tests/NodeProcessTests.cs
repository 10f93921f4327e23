using System.Collections.Concurrent;
using Shm.Primitives;
using Shm.TestKit.MultiNode;
using Shm.Transport.Driver;
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

    [Fact]
    public void A_node_killed_while_writing_long_messages_leaves_nothing_torn_and_the_reader_goes_on()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        var (sink, inbox) = Collector.Start(a, "sink");
        a.EventStream.Subscribe<MemberDown>(sink);
        NodeProcess flooder = cluster.StartProcess("b", NodeProgram.Dll, "buffer=4", $"role=flood:{sink.Path.ToSerializationFormat()}");
        for (int i = 0; i < 20; i++)
            Assert.True(inbox.Next<LongMessage>().IsIntact);

        flooder.Kill(); // while it writes one: almost all of its time goes into pushing cells
        while (inbox.Next().Message is var message && message is not MemberDown { Address.Host: "b" })
            Assert.True(message is not LongMessage torn || torn.IsIntact);
        AwaitUnfinishedMessages(a, 0, "the dead node's unfinished message was never dropped"); // once it is reported down

        // The inbox reader goes on: a round trip through a new incarnation of b comes back through it.
        cluster.StartProcess("b", NodeProgram.Dll);
        cluster.AwaitMembers(a, "b");
        a.ActorSelection(cluster.PathOf("b", "/user/echo")).Tell("still reading", sink);
        Assert.Equal("still reading", inbox.Next<string>());
        Assert.Equal(0, ShmTransport.StatsOf(a).CorruptEnvelopes);
    }

    [Fact]
    public void A_message_begun_by_a_node_that_then_dies_is_dropped_when_it_is_reported_down()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        var (collector, inbox) = Collector.Start(a, "collector");
        a.EventStream.Subscribe<MemberUp>(collector);
        a.EventStream.Subscribe<MemberDown>(collector);
        NodeProcess b = cluster.StartProcess("b", NodeProgram.Dll);
        long origin = inbox.Next<MemberUp>(u => u.Address.Host == "b").Incarnation;

        // The first of the two cells of a message from b, as b would write it, and no more.
        string inboxName = cluster.Segments().Single(f => f.Contains(".a.") && f.EndsWith(".inbox", StringComparison.Ordinal));
        using (var raw = ShmQueue<InboxCell>.OpenExisting(inboxName))
            Assert.True(raw.TryEnqueue(new InboxCell.Writer(origin, InboxCell.More, 2 * InboxCell.MaxPayload, new byte[InboxCell.MaxPayload])));
        AwaitUnfinishedMessages(a, 1, "the reader never took the cell");

        b.Kill();
        Assert.True(inbox.Next<MemberDown>(d => d.Address.Host == "b").Died);
        AwaitUnfinishedMessages(a, 0, "the dead node's unfinished message was never dropped");
        // Its second cell, late: dropped without counting it as corrupt (it is the dead node's, not garbage).
        using (var raw = ShmQueue<InboxCell>.OpenExisting(inboxName))
            Assert.True(raw.TryEnqueue(new InboxCell.Writer(origin, InboxCell.Continued, 2 * InboxCell.MaxPayload, new byte[InboxCell.MaxPayload])));
        cluster.StartProcess("c", NodeProgram.Dll);
        cluster.AwaitMembers(a, "c");
        a.ActorSelection(cluster.PathOf("c", "/user/echo")).Tell("after", collector);
        Assert.Equal("after", inbox.Next<string>());
        Assert.Equal(0, ShmTransport.StatsOf(a).CorruptEnvelopes);
    }

    /// <summary>Polls (up to 30 s) until the inbox reader of <paramref name="system"/> holds <paramref name="count"/> unfinished messages.</summary>
    private static void AwaitUnfinishedMessages(ActorSystem system, int count, string failure)
    {
        var driver = (ShmTransportDriver)ShmTransport.NodeOf(system).Driver;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (driver.UnfinishedMessages != count)
        {
            Assert.True(DateTime.UtcNow < deadline, failure);
            Thread.Sleep(10);
        }
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
