using Akka.Actor;
using Shm.RemoteNode;
using Shm.TestKit;
using Shm.Transport.Remote;

namespace Shm.Transport.Tests;

/// <summary>
/// Ask on the direct path between two systems of this process (the test kit's is node "a"): through the target node's
/// response slots, with Akka's outcomes for replies, failures, timeouts and cancellation.
/// </summary>
public sealed class DirectAskTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private readonly ShmNodes _nodes;

    public DirectAskTests() : this(new ShmNodes())
    {
    }

    private DirectAskTests(ShmNodes nodes) : base(nodes.ConfigOf("a", provider: NodeConfig.DirectProvider), nodes.SystemName)
    {
        _nodes = nodes;
    }

    /// <summary>Answers with the path of the sender it saw (without address) and the thread its turn ran on.</summary>
    private sealed class SenderReporter : ReceiveActor
    {
        public SenderReporter() => ReceiveAny(_ => Sender.Tell($"{Sender.Path.ToStringWithoutAddress()} {Thread.CurrentThread.Name}"));
    }

    /// <summary>Replies as told: a failure, a long string, nothing, or forwards to the actor given to it.</summary>
    private sealed class Replier : ReceiveActor
    {
        public Replier()
        {
            IActorRef? forwardTo = null;
            Receive<IActorRef>(target => forwardTo = target);
            Receive<string>(message => message == "fail", _ => Sender.Tell(new Status.Failure(new InvalidOperationException("refused by the target"))));
            Receive<string>(message => message.StartsWith("long "), message => Sender.Tell(new string('x', int.Parse(message[5..]))));
            Receive<string>(message => message == "silence", _ => { });
            Receive<string>(message => message.StartsWith("forward "), message => forwardTo!.Forward(message[8..]));
            ReceiveAny(message => Sender.Tell(message));
        }
    }

    /// <summary>Once it has had both a "hold" and a "release" (in either order), answers each with the path of its sender.</summary>
    private sealed class Holder : ReceiveActor
    {
        public Holder()
        {
            IActorRef? held = null, releasing = null;
            Receive<string>(message => message is "hold" or "release", message =>
            {
                if (message == "hold")
                    held = Sender;
                else
                    releasing = Sender;
                if (held is null || releasing is null)
                    return;
                held.Tell(held.Path.ToStringWithoutAddress());
                releasing.Tell(releasing.Path.ToStringWithoutAddress());
            });
        }
    }

    private ActorSystem Start(string node, Action<ShmRemotingOptions>? configure = null) =>
        _nodes.Start(node, provider: NodeConfig.DirectProvider, configure: configure);

    private async Task<IActorRef> Resolve(string node, string name)
    {
        IActorRef found = await Sys.ActorSelection(new RootActorPath(_nodes.AddressOf(node)) / "user" / name).ResolveOne(s_timeout);
        Assert.IsType<DirectActorRef>(found);
        return found;
    }

    private static bool ThroughSlot(string reply) => reply.StartsWith("/temp/" + ResponseSlots.Name + "/", StringComparison.Ordinal);

    [Fact]
    public async Task An_ask_to_a_direct_ref_is_answered_through_a_response_slot()
    {
        Start("b").ActorOf(Props.Create(() => new SenderReporter()), "reporter");
        IActorRef reporter = await Resolve("b", "reporter");
        var replies = new List<string>();
        for (int i = 0; i < 50; i++)
            replies.Add(await reporter.Ask<string>(i, s_timeout));
        Assert.All(replies, reply => Assert.True(ThroughSlot(reply), reply));
        // The ask came through b's inbox, in order with Tells; with the reader executor a quick actor's turn (and so
        // its reply into the slot) runs on the inbox reader.
        Assert.Contains(replies, reply => reply.EndsWith(" Shm inbox b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_ask_keeps_its_place_after_the_Tells_sent_before_it()
    {
        Start("b").ActorOf(Props.Create(() => new Counter()), "counter");
        IActorRef counter = await Resolve("b", "counter");
        for (int round = 1; round <= 5; round++)
        {
            for (int i = 0; i < 2000; i++)
                counter.Tell(i, TestActor);
            Assert.Equal(round * 2000, await counter.Ask<int>("count", s_timeout));
        }
    }

    [Fact]
    public async Task A_failure_reply_faults_the_ask_with_its_cause_and_a_wrong_type_fails_it_as_Akka_does()
    {
        Start("b").ActorOf(Props.Create(() => new Replier()), "replier");
        IActorRef replier = await Resolve("b", "replier");
        var failure = await Assert.ThrowsAsync<InvalidOperationException>(() => replier.Ask<string>("fail", s_timeout));
        Assert.Equal("refused by the target", failure.Message);
        var wrongType = await Assert.ThrowsAsync<ArgumentException>(() => replier.Ask<int>("a string", s_timeout));
        Assert.Contains("Ask expected message of type [System.Int32]", wrongType.Message);
        Assert.Equal(42, await replier.Ask<int>(42, s_timeout));
    }

    [Fact]
    public async Task An_unanswered_ask_times_out_and_its_slot_serves_the_next_ask()
    {
        ActorSystem b = Start("b", options => options.AskResponseSlots = 1);
        b.ActorOf(Props.Create(() => new Replier()), "replier");
        b.ActorOf(Props.Create(() => new SenderReporter()), "reporter");
        IActorRef replier = await Resolve("b", "replier");
        IActorRef reporter = await Resolve("b", "reporter");
        var timedOut = await Assert.ThrowsAsync<AskTimeoutException>(() => replier.Ask<string>("silence", TimeSpan.FromMilliseconds(300)));
        Assert.IsNotType<AskTargetNodeDownException>(timedOut);
        // b's only slot is given up once the ask has ended (on a continuation of the ask's task): an ask answered
        // through the slot again follows; the ones before it went through the inbox, and every one was answered.
        await AwaitConditionAsync(async () => ThroughSlot(await reporter.Ask<string>("again", s_timeout)), s_timeout);
    }

    [Fact]
    public async Task Cancelling_the_token_cancels_the_ask()
    {
        Start("b").ActorOf(Props.Create(() => new Replier()), "replier");
        IActorRef replier = await Resolve("b", "replier");
        using var cancel = new CancellationTokenSource();
        Task<string> ask = replier.Ask<string>("silence", s_timeout, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
        Assert.Equal("after", await replier.Ask<string>("after", s_timeout));
    }

    [Fact]
    public async Task An_ask_forwarded_to_a_third_node_is_answered_from_there_into_the_slot()
    {
        Start("b").ActorOf(Props.Create(() => new Replier()), "forwarder");
        Start("c").ActorOf(Props.Create(() => new SenderReporter()), "reporter");
        IActorRef forwarder = await Resolve("b", "forwarder");
        IActorRef reporterOnC = await Resolve("c", "reporter");
        forwarder.Tell(reporterOnC); // b resolves c's reporter from the path in the message: a direct ref on b
        string reply = await forwarder.Ask<string>("forward hop", s_timeout);
        // c saw b's reply ref (its path resolves on b to the ask's slot) and answered it: the reply came back here.
        Assert.True(ThroughSlot(reply), reply);
    }

    [Fact]
    public async Task A_reply_longer_than_the_slot_fails_the_ask_naming_the_limit()
    {
        Start("b", options => options.AskReplyMaxBytes = 1024).ActorOf(Props.Create(() => new Replier()), "replier");
        IActorRef replier = await Resolve("b", "replier");
        Exception error = await Assert.ThrowsAnyAsync<Exception>(() => replier.Ask<string>("long 5000", s_timeout));
        Assert.Contains("akka.remote.shm.ask-reply-max-bytes", error.Message);
        Assert.Contains("1024", error.Message);
        Assert.Equal(300, (await replier.Ask<string>("long 300", s_timeout)).Length);
    }

    [Fact]
    public async Task An_ask_that_finds_every_slot_taken_goes_through_the_inbox_and_both_are_answered()
    {
        Start("b", options => options.AskResponseSlots = 1).ActorOf(Props.Create(() => new Holder()), "holder");
        IActorRef holder = await Resolve("b", "holder");
        Task<string> held = holder.Ask<string>("hold", s_timeout); // holds b's only slot: it is taken before Ask returns
        Task<string> released = holder.Ask<string>("release", s_timeout);
        Assert.True(ThroughSlot(await held), await held);
        Assert.StartsWith("/temp/", await released); // the ask's own temporary ref on this node, answered through the inbox
        Assert.False(ThroughSlot(await released), await released);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _nodes.Dispose();
    }
}
