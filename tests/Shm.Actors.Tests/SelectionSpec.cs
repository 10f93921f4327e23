namespace Shm.Actors.Tests;

public sealed class SelectionSpec : ActorSpec
{
    private (IActorRef Parent, IActorRef Worker1, IActorRef Worker2, IActorRef Other) Tree()
    {
        IActorRef parent = Sys.ActorOf(Props.Create(() => new Supervisor(SupervisorStrategy.DefaultStrategy)), "pool");
        parent.Tell((Props.Create<EchoActor>(), "worker-1"));
        IActorRef w1 = ExpectMsg<IActorRef>();
        parent.Tell((Props.Create<EchoActor>(), "worker-2"));
        IActorRef w2 = ExpectMsg<IActorRef>();
        parent.Tell((Props.Create<EchoActor>(), "other"));
        IActorRef other = ExpectMsg<IActorRef>();
        return (parent, w1, w2, other);
    }

    [Fact]
    public void Selection_by_absolute_path_and_full_address()
    {
        var (_, w1, _, _) = Tree();
        Sys.ActorSelection("/user/pool/worker-1").Tell("hi");
        ExpectMsg("hi");
        Assert.Equal(w1, LastSender);
        Sys.ActorSelection("shm://test/user/pool/worker-1").Tell("again");
        ExpectMsg("again");
        Sys.ActorSelection(w1.Path).Tell("by path");
        ExpectMsg("by path");
    }

    [Fact]
    public void Wildcards_reach_every_match()
    {
        var (_, w1, w2, _) = Tree();
        Sys.ActorSelection("/user/pool/worker-*").Tell("all");
        ExpectMsg("all");
        IActorRef first = LastSender;
        ExpectMsg("all");
        Assert.Equal(new HashSet<IActorRef> { w1, w2 }, new HashSet<IActorRef> { first, LastSender });
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Sys.ActorSelection("/user/pool/worker-?").Tell("one char");
        ReceiveN(2);
        Sys.ActorSelection("/user/*/other").Tell("nested");
        ExpectMsg("nested");
    }

    [Fact]
    public async Task Identify_and_ResolveOne()
    {
        var (_, w1, _, _) = Tree();
        Sys.ActorSelection("/user/pool/worker-1").Tell(new Identify("id-1"));
        var found = ExpectMsg<ActorIdentity>();
        Assert.Equal("id-1", found.MessageId);
        Assert.Equal(w1, found.Subject);
        Sys.ActorSelection("/user/pool/missing").Tell(new Identify("id-2"));
        Assert.Null(ExpectMsg<ActorIdentity>().Subject);
        Assert.Equal(w1, await Sys.ActorSelection("/user/pool/worker-1").ResolveOne(TimeSpan.FromSeconds(3)));
        await Assert.ThrowsAsync<ActorNotFoundException>(() => Sys.ActorSelection("/user/pool/missing").ResolveOne(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public void Relative_selection_from_inside_an_actor()
    {
        Tree();
        IActorRef asker = Sys.ActorOf(Props.Create<RelativeSelector>(), "asker");
        asker.Tell("../pool/worker-2");
        Assert.Equal("via selection", ExpectMsg<string>());
    }

    [Fact]
    public void Selection_with_no_match_is_a_dead_letter()
    {
        Sys.EventStream.Subscribe<Event.DeadLetter>(TestActor);
        Sys.ActorSelection("/user/nobody-here").Tell("lost");
        Assert.Equal("lost", ExpectMsg<Event.DeadLetter>().Message);
    }

    [Fact]
    public void Glob_matching()
    {
        Assert.True(Internal.Glob.Matches("w*", "worker"));
        Assert.True(Internal.Glob.Matches("*er", "worker"));
        Assert.True(Internal.Glob.Matches("w?rker", "worker"));
        Assert.True(Internal.Glob.Matches("*", ""));
        Assert.False(Internal.Glob.Matches("w?", "worker"));
        Assert.False(Internal.Glob.Matches("x*", "worker"));
    }

    [Fact]
    public void Paths_parse_and_print()
    {
        ActorPath path = ActorPath.Parse("shm://orders@node1:5/user/a/b#42");
        Assert.Equal("shm", path.Address.Protocol);
        Assert.Equal("orders", path.Address.System);
        Assert.Equal("node1", path.Address.Host);
        Assert.Equal(5, path.Address.Port);
        Assert.Equal(["user", "a", "b"], path.Elements);
        Assert.Equal(42, path.Uid);
        Assert.Equal("shm://orders@node1:5/user/a/b", path.ToString());
        Assert.Equal("shm://orders@node1:5/user/a/b#42", path.ToSerializationFormat());
        Assert.Equal(ActorPath.Parse("shm://orders@node1:5/user/a/b"), path);
        Assert.False(ActorPath.TryParse("not a path", out _));
        Assert.Equal("shm://orders/user/x", (ActorPath.Root(new Address("shm", "orders")) / "user" / "x").ToString());
    }

    private sealed class RelativeSelector : ReceiveActor
    {
        public RelativeSelector() => Receive<string>(path =>
        {
            IActorRef replyTo = Sender;
            Context.ActorSelection(path).Tell("via selection", replyTo);
        });
    }
}
