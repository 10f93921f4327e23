namespace Shm.Actors.Tests;

public sealed class BasicMessagingSpec : ActorSpec
{
    [Fact]
    public void Tell_in_test_body_uses_the_test_actor_as_sender()
    {
        IActorRef echo = Sys.ActorOf(Props.Create<EchoActor>(), "echo");
        echo.Tell("hello");
        Assert.Equal("hello", ExpectMsg<string>());
        Assert.Equal(echo, LastSender);
    }

    [Fact]
    public void Forward_keeps_the_original_sender()
    {
        TestProbe probe = CreateTestProbe();
        IActorRef forwarder = Sys.ActorOf(Props.Create(() => new ForwardingActor(probe.Ref)));
        forwarder.Tell(42);
        probe.ExpectMsg(42);
        Assert.Equal(TestActor, probe.Sender);
    }

    [Fact]
    public void Messages_without_sender_see_dead_letters_as_sender()
    {
        TestProbe probe = CreateTestProbe();
        IActorRef forwarder = Sys.ActorOf(Props.Create(() => new ForwardingActor(probe.Ref)));
        forwarder.Tell("x", ActorRefs.NoSender);
        probe.ExpectMsg("x");
        Assert.Equal(Sys.DeadLetters, probe.Sender);
    }

    [Fact]
    public void Refs_compare_by_path_and_uid()
    {
        IActorRef first = Sys.ActorOf(Props.Create<EchoActor>(), "same-name");
        Watch(first);
        Sys.Stop(first);
        ExpectTerminated(first);
        IActorRef second = Sys.ActorOf(Props.Create<EchoActor>(), "same-name");
        Assert.Equal(first.Path, second.Path);
        Assert.NotEqual(first, second);
        Assert.Equal(second, Sys.Provider.ResolveActorRef(second.Path));
        Assert.Equal("/user/same-name", second.Path.ToStringWithoutAddress());
    }

    [Fact]
    public void Paths_are_hierarchical_and_carry_the_address()
    {
        IActorRef parent = Sys.ActorOf(Props.Create(() => new LifecycleActor(TestActor, "p")), "a");
        ExpectMsg("p:ctor");
        ExpectMsg("p:preStart");
        parent.Tell(Props.Create<EchoActor>());
        var child = ExpectMsg<IActorRef>();
        Assert.Equal("shm://test/user/a/" + child.Path.Name, child.Path.ToString());
        Assert.StartsWith("$", child.Path.Name);
        Assert.Equal(parent.Path, child.Path.Parent);
    }

    [Theory]
    [InlineData("")]
    [InlineData("$reserved")]
    [InlineData("has space")]
    [InlineData("slash/inside")]
    public void Invalid_names_are_rejected(string name)
    {
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create<EchoActor>(), name));
    }

    [Fact]
    public void Sibling_names_must_be_unique()
    {
        Sys.ActorOf(Props.Create<EchoActor>(), "twin");
        Assert.Throws<InvalidActorNameException>(() => Sys.ActorOf(Props.Create<EchoActor>(), "twin"));
    }

    [Fact]
    public void Nobody_drops_everything_without_dead_letters()
    {
        Sys.EventStream.Subscribe<Event.AllDeadLetters>(TestActor);
        ActorRefs.Nobody.Tell("lost");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Messages_to_a_stopped_actor_become_dead_letters()
    {
        IActorRef echo = Sys.ActorOf(Props.Create<EchoActor>());
        Watch(echo);
        Sys.Stop(echo);
        ExpectTerminated(echo);
        Sys.EventStream.Subscribe<Event.DeadLetter>(TestActor);
        echo.Tell("too late");
        var dead = ExpectMsg<Event.DeadLetter>();
        Assert.Equal("too late", dead.Message);
        Assert.Equal(echo, dead.Recipient);
        Assert.Equal(TestActor, dead.Sender);
    }
}
