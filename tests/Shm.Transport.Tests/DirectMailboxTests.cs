using Akka.Actor;
using Shm.Actors.Mailboxes;
using Shm.RemoteNode;
using Shm.TestKit;
using Shm.Transport.Remote;

namespace Shm.Transport.Tests;

/// <summary>
/// The shm mailbox between two systems of this process (the test kit's is node "a", the actor with the mailbox on
/// "b"); its survival of a kill -9 is in <see cref="DirectPathProcessTests"/>.
/// </summary>
public sealed class DirectMailboxTests : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
    private static readonly string s_mailbox = $"""
        {NodeConfig.MailboxId}.mailbox-type = "{ShmMailboxType.TypeName}"
        {NodeConfig.MailboxId}.capacity = 4096
        """;

    private readonly ShmNodes _nodes;

    public DirectMailboxTests() : this(new ShmNodes())
    {
    }

    private DirectMailboxTests(ShmNodes nodes) : base(nodes.ConfigOf("a", provider: NodeConfig.DirectProvider), nodes.SystemName)
    {
        _nodes = nodes;
    }

    /// <summary>Answers each message with itself and the name its system goes by.</summary>
    private sealed class Jobs : ReceiveActor
    {
        public Jobs() => ReceiveAny(message => Sender.Tell($"{message} {Context.System.Name.Length}"));
    }

    private static Props JobsProps => Props.Create(() => new Jobs()).WithMailbox(NodeConfig.MailboxId);

    private string Reply(object message) => $"{message} {Sys.Name.Length}";

    private string RingFile(string node, string name) => $"/dev/shm/{_nodes.SystemName}.{node}.mbox~user~{name}";

    private async Task<IActorRef> Resolve(string node, string name) =>
        await Sys.ActorSelection(new RootActorPath(_nodes.AddressOf(node)) / "user" / name).ResolveOne(s_timeout);

    [Fact]
    public async Task Messages_from_another_node_go_into_the_ring_in_order_and_wait_there_for_the_next_actor_at_the_path()
    {
        ActorSystem b = _nodes.Start("b", s_mailbox, provider: NodeConfig.DirectProvider);
        b.ActorOf(JobsProps, "jobs");
        IActorRef jobs = await Resolve("b", "jobs");
        Assert.True(File.Exists(RingFile("b", "jobs")));
        for (int i = 0; i < 2000; i++)
            jobs.Tell(i, TestActor);
        for (int i = 0; i < 2000; i++)
            ExpectMsg(Reply(i), s_timeout);
        // PoisonPill from here goes through the ring like any message; the ring outlives the actor.
        Watch(jobs);
        jobs.Tell(PoisonPill.Instance);
        ExpectTerminated(jobs, s_timeout);
        Assert.True(File.Exists(RingFile("b", "jobs")));
        jobs.Tell("while nobody runs at the path", TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        b.ActorOf(JobsProps, "jobs");
        ExpectMsg(Reply("while nobody runs at the path"), s_timeout);
    }

    [Fact]
    public async Task A_ref_that_first_sent_before_the_ring_existed_queues_in_the_ring_while_the_node_is_down()
    {
        ActorSystem b = _nodes.Start("b", s_mailbox, provider: NodeConfig.DirectProvider);
        b.ActorOf(Props.Create(() => new Jobs()), "plain"); // resolvable before the actor with the ring exists
        await Resolve("b", "plain");
        var path = new RootActorPath(_nodes.AddressOf("b")) / "user" / "jobs";
        IActorRef jobs = ((ExtendedActorSystem)Sys).Provider.ResolveActorRef(path);
        var deadLetters = CreateTestProbe(b);
        b.EventStream.Subscribe(deadLetters.Ref, typeof(Akka.Event.DeadLetter));
        jobs.Tell("early", TestActor); // no ring yet: through b's inbox, a dead letter there
        deadLetters.FishForMessage<Akka.Event.DeadLetter>(d => "early".Equals(d.Message), s_timeout);
        b.ActorOf(JobsProps, "jobs");
        AwaitCondition(() => File.Exists(RingFile("b", "jobs")), s_timeout);
        jobs.Tell("while up", TestActor); // still the inbox: this ref keeps its way while the node is up
        ExpectMsg(Reply("while up"), s_timeout);

        await b.Terminate();
        SharedMemoryTransport transport = SharedMemoryTransport.Of(Sys.EventStream)!;
        AwaitCondition(() => transport.LinkTo("b") is null, s_timeout); // a has seen b leave
        var provider = (ShmRemoteActorRefProvider)((ExtendedActorSystem)Sys).Provider;
        long deadBefore = provider.DirectDeadLetters;
        jobs.Tell("while down", TestActor); // the node is gone: the ring, not a dead letter
        Assert.Equal(deadBefore, provider.DirectDeadLetters);
        ActorSystem again = _nodes.Start("b", s_mailbox, provider: NodeConfig.DirectProvider);
        again.ActorOf(JobsProps, "jobs");
        ExpectMsg(Reply("while down"), s_timeout);
    }

    [Fact]
    public async Task Local_posts_Akka_handles_itself_keep_their_place_in_line()
    {
        ActorSystem b = _nodes.Start("b", s_mailbox, provider: NodeConfig.DirectProvider);
        IActorRef local = b.ActorOf(JobsProps, "jobs");
        IActorRef jobs = await Resolve("b", "jobs");
        Watch(jobs);
        jobs.Tell("before", TestActor);
        local.Tell("local", TestActor); // a local post is serialized into the ring like the rest
        local.Tell(new Identify(7), ActorRefs.NoSender); // kept in b's process, its place marked in the ring
        local.Tell(PoisonPill.Instance, ActorRefs.NoSender);
        ExpectMsg(Reply("before"), s_timeout);
        ExpectMsg(Reply("local"), s_timeout);
        ExpectTerminated(jobs, s_timeout);
    }

    [Fact]
    public void The_mailbox_needs_the_direct_path_provider_and_says_so()
    {
        ActorSystem b = _nodes.Start("b", s_mailbox); // the plain remote provider
        var errors = CreateTestProbe(b);
        b.EventStream.Subscribe(errors.Ref, typeof(Akka.Event.Error));
        b.ActorOf(JobsProps, "jobs");
        var error = errors.ExpectMsg<Akka.Event.Error>(s_timeout);
        Assert.Contains("needs akka.actor.provider", error.Cause?.ToString() + error.Message);
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _nodes.Dispose();
    }
}
