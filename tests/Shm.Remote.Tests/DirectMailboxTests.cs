using Akka.Actor;
using Shm.RemoteNode;
using Shm.Transport.Remote;

namespace Shm.Remote.Tests;

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

    private readonly RemoteNodes _nodes;

    public DirectMailboxTests() : this(new RemoteNodes())
    {
    }

    private DirectMailboxTests(RemoteNodes nodes) : base(nodes.ConfigOf("a", provider: NodeConfig.DirectProvider), nodes.SystemName)
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
    public async Task Local_posts_Akka_handles_itself_keep_their_place_in_line()
    {
        ActorSystem b = _nodes.Start("b", s_mailbox, provider: NodeConfig.DirectProvider);
        IActorRef local = b.ActorOf(JobsProps, "jobs");
        IActorRef jobs = await Resolve("b", "jobs");
        Watch(jobs);
        jobs.Tell("before", TestActor);
        local.Tell(new Identify(7), ActorRefs.NoSender); // kept in b's process, its place marked in the ring
        local.Tell(PoisonPill.Instance, ActorRefs.NoSender);
        ExpectMsg(Reply("before"), s_timeout);
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
