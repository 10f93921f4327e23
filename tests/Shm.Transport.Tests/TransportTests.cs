using System.Collections.Concurrent;
using System.Runtime.Serialization;
using Microsoft.Extensions.Configuration;
using Shm.Primitives;
using Shm.TestKit.MultiNode;
using Shm.Transport.Driver;
using Shm.TransportNode;

namespace Shm.Transport.Tests;

public sealed record Ping(int Sequence, IActorRef ReplyTo);

public sealed record Pong(int Sequence);

public sealed record Sized(int Sender, int Sequence, byte[] Payload);

public sealed class Unserializable
{
    public Action Callback { get; init; } = () => { };
}

/// <summary>Answers Ping with Pong to the ref inside the message.</summary>
public sealed class Replier : ReceiveActor
{
    public Replier()
    {
        Receive<Ping>(ping => ping.ReplyTo.Tell(new Pong(ping.Sequence), Self));
        Receive<string>(text => Sender.Tell(text.ToUpperInvariant(), Self));
    }
}

public sealed class TransportTests
{
    private static void AwaitMembers(ActorSystem system, params string[] nodes) => MultiNodeCluster.AwaitMembers(system, nodes);

    [Fact]
    public void Tell_by_path_and_by_selection_reaches_the_other_node_and_the_reply_comes_back_through_Sender()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        b.ActorOf(Props.Create(() => new Replier()), "replier");
        var (collector, inbox) = Collector.Start(a, "collector");
        AwaitMembers(a, "b");

        IActorRef remote = a.Provider.ResolveActorRef($"shm://{cluster.SystemName}@b/user/replier");
        remote.Tell("hello", collector);
        var reply = inbox.Next();
        Assert.Equal("HELLO", reply.Message);
        Assert.Equal($"shm://{cluster.SystemName}@b/user/replier", reply.Sender.Path.ToString());

        a.ActorSelection($"shm://{cluster.SystemName}@b/user/replier").Tell("again", collector);
        Assert.Equal("AGAIN", inbox.Next().Message);
        reply.Sender.Tell("via sender", collector);
        Assert.Equal("VIA SENDER", inbox.Next().Message);
    }

    [Fact]
    public void A_ref_inside_a_message_comes_back_as_a_working_ref()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        b.ActorOf(Props.Create(() => new Replier()), "replier");
        var (collector, inbox) = Collector.Start(a, "collector");
        AwaitMembers(a, "b");

        a.ActorSelection($"shm://{cluster.SystemName}@b/user/replier").Tell(new Ping(7, collector));
        var (message, _) = inbox.Next();
        Assert.Equal(new Pong(7), message);
    }

    [Fact]
    public void Messages_from_each_sender_arrive_in_order_and_none_is_lost()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b", o => o.InboxCapacity = 64); // a small inbox: the outbound buffer must keep order
        var (collector, inbox) = Collector.Start(b, "collector");
        AwaitMembers(a, "b");
        IActorRef remote = a.Provider.ResolveActorRef(collector.Path.ToSerializationFormat());
        const int senders = 4, perSender = 5000;
        Parallel.For(0, senders, s =>
        {
            for (int i = 0; i < perSender; i++)
                remote.Tell(new Numbered(s, i));
        });
        var next = new int[senders];
        for (int k = 0; k < senders * perSender; k++)
        {
            var numbered = (Numbered)inbox.Next().Message;
            Assert.Equal(next[numbered.Sender]++, numbered.Sequence);
        }
        Assert.All(next, n => Assert.Equal(perSender, n));
    }

    [Fact]
    public void Empty_and_large_payloads_cross_intact()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        var (collector, inbox) = Collector.Start(b, "collector");
        AwaitMembers(a, "b");
        IActorRef remote = a.Provider.ResolveActorRef(collector.Path.ToSerializationFormat());
        byte[] large = Enumerable.Range(0, 200_000).Select(i => (byte)(i * 31)).ToArray();
        remote.Tell("");
        remote.Tell(Array.Empty<byte>());
        remote.Tell(large);
        remote.Tell(new string('é', 50_000));
        Assert.Equal("", inbox.Next().Message);
        Assert.Equal(Array.Empty<byte>(), inbox.Next().Message);
        Assert.Equal(large, inbox.Next().Message);
        Assert.Equal(new string('é', 50_000), inbox.Next().Message);
    }

    [Fact]
    public void Members_see_each_other_join_and_leave_on_the_event_stream()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        var (collector, inbox) = Collector.Start(a, "events");
        a.EventStream.Subscribe<MemberUp>(collector);
        a.EventStream.Subscribe<MemberDown>(collector);
        ActorSystem b = cluster.StartNode("b");
        MemberUp up = inbox.Next<MemberUp>();
        Assert.Equal($"shm://{cluster.SystemName}@b", up.Address.ToString());
        Assert.Equal(Environment.ProcessId, up.ProcessId);
        b.Terminate().Wait(TimeSpan.FromSeconds(30));
        MemberDown down = inbox.Next<MemberDown>();
        Assert.Equal(up.Address, down.Address);
        Assert.False(down.Died);
        Assert.Equal(up.Incarnation, down.Incarnation);
    }

    [Fact]
    public void Nodes_that_start_at_the_same_moment_all_see_each_other()
    {
        // A node's first frame (its handshake) can reach a peer while that peer's membership thread is still opening
        // the link to it: the frame must wait for the link, not be dropped (which would leave the node never up).
        for (int round = 0; round < 8; round++)
        {
            using var cluster = new MultiNodeCluster();
            string[] names = ["a", "b", "c", "d"];
            var systems = new ActorSystem[names.Length];
            Parallel.For(0, names.Length, new ParallelOptions { MaxDegreeOfParallelism = names.Length }, i => systems[i] = cluster.StartNode(names[i]));
            for (int i = 0; i < names.Length; i++)
                MultiNodeCluster.AwaitMembers(systems[i], names.Where((_, j) => j != i), TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public void A_watched_remote_actor_that_stops_yields_Terminated()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        IActorRef target = b.ActorOf(Props.Create(() => new Replier()), "target");
        AwaitMembers(a, "b");
        var inbox = new BlockingCollection<(object Message, IActorRef Sender)>();
        IActorRef remote = a.Provider.ResolveActorRef(target.Path.ToSerializationFormat());
        a.ActorOf(Props.Create(() => new Watcher(remote, inbox)), "watcher");
        Assert.Equal("WATCHING", inbox.Next().Message); // the watch is registered on b before the stop below
        b.Stop(target);
        var terminated = inbox.Next<Terminated>();
        Assert.Equal(remote, terminated.ActorRef);
        Assert.False(terminated.AddressTerminated);
    }

    /// <summary>Watches a remote actor, proves the watch is in place with a round trip, reports Terminated.</summary>
    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef target, BlockingCollection<(object, IActorRef)> into)
        {
            Context.Watch(target);
            target.Tell("watching", Self); // after the Watch in the same inbox: answered once the watch is registered
            ReceiveAny(message => into.Add((message, Sender)));
        }
    }

    [Fact]
    public void Bad_messages_fail_the_Tell_with_errors_naming_type_size_and_limit()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b", o => o.MaxMessageBytes = 4096);
        var (collector, inbox) = Collector.Start(b, "collector");
        AwaitMembers(a, "b");
        AwaitMembers(b, "a");
        IActorRef remote = a.Provider.ResolveActorRef(collector.Path.ToSerializationFormat());
        var error = Assert.ThrowsAny<Exception>(() => remote.Tell(new Unserializable()));
        Assert.Contains(nameof(Unserializable), error.Message);
        ActorSystem small = cluster.StartNode("c", o => o.MaxMessageBytes = 1024);
        AwaitMembers(small, "b");
        IActorRef fromSmall = small.Provider.ResolveActorRef(collector.Path.ToSerializationFormat());
        var tooBig = Assert.Throws<ArgumentException>(() => fromSmall.Tell(new byte[2000]));
        Assert.Contains("1024", tooBig.Message);
        remote.Tell("still fine");
        Assert.Equal("still fine", inbox.Next().Message);
    }

    [Fact]
    public void A_node_name_held_by_a_live_process_is_refused()
    {
        using var cluster = new MultiNodeCluster();
        cluster.StartNode("a");
        var error = Assert.ThrowsAny<Exception>(() => cluster.StartNode("a"));
        Assert.Contains("already taken", error.ToString());
    }

    [Fact]
    public void A_garbage_envelope_in_the_inbox_is_skipped_and_counted_and_the_reader_goes_on()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        var (collector, inbox) = Collector.Start(b, "collector");
        AwaitMembers(a, "b");
        string inboxName = cluster.Segments().Single(f => f.Contains(".b.") && f.EndsWith(".inbox", StringComparison.Ordinal));
        long origin = ShmTransport.StatsOf(a).Incarnation;
        using (var raw = ShmQueue<InboxCell>.OpenExisting(inboxName))
        {
            // From a known origin: an envelope with a system-message kind and impossible lengths, then plain text.
            Assert.True(raw.TryEnqueue(new InboxCell.Writer(origin, [2, 0, 0xFF, 0xFF, 1, 2, 3])));
            Assert.True(raw.TryEnqueue(new InboxCell.Writer(origin, "not an envelope at all, just text"u8)));
            // Cells no writer makes: an unknown origin, a length past the cell, unknown flags, a continuation without
            // a beginning, a beginning longer than any message.
            Assert.True(raw.TryEnqueue(new InboxCell.Writer(origin + 12345, "from nobody"u8)));
            Assert.True(raw.TryEnqueue(new RawCell(origin, length: InboxCell.MaxPayload + 1, flags: 0, messageLength: 4)));
            Assert.True(raw.TryEnqueue(new RawCell(origin, length: 4, flags: 8, messageLength: 4)));
            Assert.True(raw.TryEnqueue(new RawCell(origin, length: 4, flags: InboxCell.Continued, messageLength: 300)));
            Assert.True(raw.TryEnqueue(new RawCell(origin, length: InboxCell.MaxPayload, flags: InboxCell.More, messageLength: int.MaxValue)));
        }
        IActorRef remote = a.Provider.ResolveActorRef(collector.Path.ToSerializationFormat());
        remote.Tell("after the garbage");
        Assert.Equal("after the garbage", inbox.Next().Message);
        Assert.Equal(7, ShmTransport.StatsOf(b).CorruptEnvelopes);
    }

    [Fact]
    public void A_corrupt_inbox_ring_is_reported_and_never_ends_the_process()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        AwaitMembers(a, "b");
        string inboxPath = cluster.Segments().Single(f => f.Contains(".b.") && f.EndsWith(".inbox", StringComparison.Ordinal));
        // The slot at the reader's position claims a position a lap ahead: no writer made it, and the reader's take
        // reports the ring corrupt. An exception leaving the reader's thread would end this test process.
        using (var file = new FileStream(inboxPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            Span<byte> word = stackalloc byte[8];
            file.Position = Primitives.Queue.ShmQueueLayout.HeadPositionOffset;
            file.ReadExactly(word);
            long head = BitConverter.ToInt64(word);
            long capacity = new ShmTransportOptions().InboxCapacity;
            file.Position = Primitives.Queue.ShmQueueLayout.SlotsOffset(Primitives.Participants.ParticipantRecordLayout.DefaultRecordCount)
                + (head & (capacity - 1)) * Primitives.Queue.ShmQueueLayout.SlotSize(System.Runtime.CompilerServices.Unsafe.SizeOf<InboxCell>());
            BitConverter.TryWriteBytes(word, head + capacity + 1);
            file.Write(word);
        }
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (ShmTransport.StatsOf(b).CorruptEnvelopes == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the reader never reported the corrupt ring");
            Thread.Sleep(10);
        }
        Assert.Contains("b", ShmTransport.MembersOf(a)); // b's process (this one) lives on
    }

    [Fact]
    public void Messages_to_an_unknown_node_or_actor_become_dead_letters()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        var (collector, inbox) = Collector.Start(a, "dead");
        a.EventStream.Subscribe<Actors.Event.DeadLetter>(collector);
        a.ActorSelection($"shm://{cluster.SystemName}@nowhere/user/x").Tell("lost");
        var dead = inbox.Next<Actors.Event.DeadLetter>();
        Assert.Equal("lost", dead.Message);
        Assert.Equal(1, ShmTransport.StatsOf(a).DeadLetters);
    }

    [Fact]
    public void Options_bind_from_configuration_and_invalid_values_are_named()
    {
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Shm:NodeName"] = "worker-1",
            ["Shm:InboxCapacity"] = "1024",
            ["Shm:WaitStrategy"] = "Sleep",
        }).Build();
        var options = new ShmTransportOptions();
        configuration.GetSection("Shm").Bind(options);
        Assert.Equal("worker-1", options.NodeName);
        Assert.Equal(1024, options.InboxCapacity);
        Assert.Equal(ShmWaitStrategy.Sleep, options.WaitStrategy);
        options.Validate();

        Assert.Equal("NodeName", Assert.Throws<ArgumentException>(() => new ShmTransportOptions { NodeName = "bad/name" }.Validate()).ParamName);
        Assert.Equal("SegmentDirectory", Assert.Throws<ArgumentException>(() => new ShmTransportOptions { NodeName = "n", SegmentDirectory = "/no/such/dir" }.Validate()).ParamName);
        Assert.Equal("InboxCapacity", Assert.Throws<ArgumentOutOfRangeException>(() => new ShmTransportOptions { NodeName = "n", InboxCapacity = 1 }.Validate()).ParamName);
        Assert.Equal("MaxMessageBytes", Assert.Throws<ArgumentOutOfRangeException>(() => new ShmTransportOptions { NodeName = "n", MaxMessageBytes = 10 }.Validate()).ParamName);
    }

    [Fact]
    public void A_full_inbox_never_blocks_the_sender_and_everything_arrives_in_order_once_the_receiver_drains()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b", o => o.InboxCapacity = 16);
        using var gate = new ManualResetEventSlim();
        var inbox = new BlockingCollection<(object Message, IActorRef Sender)>();
        IActorRef slow = b.ActorOf(Props.Create(() => new Gated(gate, inbox)), "slow");
        AwaitMembers(a, "b");
        IActorRef remote = a.Provider.ResolveActorRef(slow.Path.ToSerializationFormat());
        const int count = 5000;
        for (int i = 0; i < count; i++)
            remote.Tell(new Numbered(1, i)); // returns at once although the receiver is stuck and its inbox holds 16
        gate.Set();
        for (int i = 0; i < count; i++)
            Assert.Equal(new Numbered(1, i), inbox.Next().Message);
        Assert.Equal(0, ShmTransport.StatsOf(a).DeadLetters);
    }

    [Fact]
    public void Messages_longer_than_the_whole_inbox_cross_intact_and_in_order_among_short_ones_from_concurrent_senders()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b", o => o.InboxCapacity = 16); // 16 cells; a long message here takes over 100
        var (collector, inbox) = Collector.Start(b, "collector");
        AwaitMembers(a, "b");
        IActorRef remote = a.Provider.ResolveActorRef(collector.Path.ToSerializationFormat());
        const int senders = 4, perSender = 150;
        static byte[] Payload(int sender, int sequence) =>
            [.. Enumerable.Range(0, sequence % 5 == 0 ? 20_000 + sequence : sequence % 300).Select(k => (byte)(k * 7 + sender + sequence))];
        Parallel.For(0, senders, s =>
        {
            for (int i = 0; i < perSender; i++)
                remote.Tell(new Sized(s, i, Payload(s, i)));
        });
        var next = new int[senders];
        for (int k = 0; k < senders * perSender; k++)
        {
            var sized = (Sized)inbox.Next().Message;
            Assert.Equal(next[sized.Sender]++, sized.Sequence);
            Assert.Equal(Payload(sized.Sender, sized.Sequence), sized.Payload);
        }
        Assert.Equal(0, ShmTransport.StatsOf(a).DeadLetters);
        Assert.Equal(0, ShmTransport.StatsOf(b).CorruptEnvelopes);
    }

    /// <summary>Writes an inbox cell as no writer would: any length, flags and message length, no payload bytes.</summary>
    private readonly struct RawCell(long origin, int length, ushort flags, int messageLength) : Primitives.Threading.ISlotWriter<InboxCell>
    {
        public void WriteTo(ref InboxCell slot)
        {
            slot.Origin = origin;
            slot.Length = (ushort)length;
            slot.Flags = flags;
            slot.MessageLength = messageLength;
        }
    }

    /// <summary>Blocks in its first message until the gate opens, then collects.</summary>
    private sealed class Gated : ReceiveActor
    {
        public Gated(ManualResetEventSlim gate, BlockingCollection<(object, IActorRef)> into) => ReceiveAny(message =>
        {
            gate.Wait(TimeSpan.FromMinutes(1));
            into.Add((message, Sender));
        });
    }

    [Fact]
    public void Terminated_nodes_remove_their_inboxes_and_ask_channels_and_leave_only_the_directory()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        AwaitMembers(a, "b");
        // The directory, and an inbox and an ask channel per node.
        Assert.Equal(["a.1.asks", "a.1.inbox", "b.2.asks", "b.2.inbox", "nodes"],
            cluster.Segments().Select(path => Path.GetFileName(path)[(cluster.SystemName.Length + 1)..]).Order(StringComparer.Ordinal));
        a.Terminate().Wait(TimeSpan.FromSeconds(30));
        b.Terminate().Wait(TimeSpan.FromSeconds(30));
        Assert.Equal(cluster.SystemName + ".nodes", Path.GetFileName(Assert.Single(cluster.Segments())));
    }
}
