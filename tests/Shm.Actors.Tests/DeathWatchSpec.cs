namespace Shm.Actors.Tests;

public sealed class DeathWatchSpec : ActorSpec
{
    [Fact]
    public void Watcher_gets_Terminated_with_the_dead_actor_as_sender()
    {
        IActorRef target = Sys.ActorOf(Props.Create<EchoActor>());
        TestProbe probe = CreateTestProbe();
        IActorRef watcher = Sys.ActorOf(Props.Create(() => new Watcher(target, probe.Ref)));
        probe.ExpectMsg("watching");
        Sys.Stop(target);
        var terminated = probe.ExpectMsg<Terminated>();
        Assert.Equal(target, terminated.ActorRef);
        Assert.True(terminated.ExistenceConfirmed);
        Assert.False(terminated.AddressTerminated);
        Assert.Equal(target, probe.Sender);
        Assert.NotNull(watcher);
    }

    [Fact]
    public void Watching_an_already_dead_actor_yields_Terminated_promptly()
    {
        IActorRef target = Sys.ActorOf(Props.Create<EchoActor>());
        Watch(target);
        Sys.Stop(target);
        ExpectTerminated(target);
        TestProbe probe = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Watcher(target, probe.Ref)));
        probe.ExpectMsg("watching");
        Assert.Equal(target, probe.ExpectMsg<Terminated>().ActorRef);
    }

    [Fact]
    public void Terminated_follows_the_messages_the_dead_actor_sent_before()
    {
        TestProbe probe = CreateTestProbe();
        IActorRef watcher = Sys.ActorOf(Props.Create(() => new Watcher(null, probe.Ref)));
        probe.ExpectMsg("watching");
        IActorRef talker = Sys.ActorOf(Props.Create(() => new LastWords(watcher)));
        watcher.Tell(new WatchIt(talker));
        probe.ExpectMsg("watching");
        talker.Tell("go");
        probe.ExpectMsg("last words");
        Assert.Equal(talker, probe.ExpectMsg<Terminated>().ActorRef);
    }

    [Fact]
    public void WatchWith_delivers_the_custom_message()
    {
        IActorRef target = Sys.ActorOf(Props.Create<EchoActor>());
        TestProbe probe = CreateTestProbe();
        Sys.ActorOf(Props.Create(() => new Watcher(target, probe.Ref, "custom-gone")));
        probe.ExpectMsg("watching");
        Sys.Stop(target);
        probe.ExpectMsg("custom-gone");
    }

    [Fact]
    public void Unwatch_drops_notifications()
    {
        IActorRef target = Sys.ActorOf(Props.Create<EchoActor>());
        TestProbe probe = CreateTestProbe();
        IActorRef watcher = Sys.ActorOf(Props.Create(() => new Watcher(target, probe.Ref)));
        probe.ExpectMsg("watching");
        watcher.Tell("unwatch");
        probe.ExpectMsg("unwatched");
        Sys.Stop(target);
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Unhandled_Terminated_is_a_death_pact()
    {
        IActorRef target = Sys.ActorOf(Props.Create<EchoActor>());
        IActorRef ignorer = Sys.ActorOf(Props.Create(() => new TerminatedIgnorer(target)));
        ignorer.Tell("ready?");
        ExpectMsg("ready");
        Watch(ignorer);
        Sys.Stop(target);
        ExpectTerminated(ignorer);
    }

    [Fact]
    public void Parent_watching_its_child_gets_Terminated_once()
    {
        TestProbe probe = CreateTestProbe();
        IActorRef parent = Sys.ActorOf(Props.Create(() => new ChildWatcher(probe.Ref)));
        parent.Tell("stop-child");
        probe.ExpectMsg<Terminated>();
        probe.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        parent.Tell("children");
        probe.ExpectMsg(0);
    }

    [Fact]
    public void Watching_nobody_yields_Terminated()
    {
        Watch(ActorRefs.Nobody);
        var terminated = ExpectMsg<Terminated>();
        Assert.Equal(ActorRefs.Nobody, terminated.ActorRef);
        Assert.False(terminated.ExistenceConfirmed);
    }

    private sealed record WatchIt(IActorRef Target);

    private sealed class Watcher : ReceiveActor
    {
        public Watcher(IActorRef? target, IActorRef probe, object? custom = null)
        {
            if (target is not null)
            {
                if (custom is null) Context.Watch(target);
                else Context.WatchWith(target, custom);
            }
            Receive<WatchIt>(w => { Context.Watch(w.Target); probe.Tell("watching"); });
            Receive<string>(s => s == "unwatch", _ => { Context.Unwatch(target!); probe.Tell("unwatched"); });
            ReceiveAny(m => probe.Forward(m));
            probe.Tell("watching");
        }
    }

    private sealed class LastWords : ReceiveActor
    {
        public LastWords(IActorRef watcher) => Receive<string>(_ =>
        {
            watcher.Tell("last words");
            Context.Stop(Self);
        });
    }

    private sealed class TerminatedIgnorer : ReceiveActor
    {
        public TerminatedIgnorer(IActorRef target)
        {
            Context.Watch(target);
            Receive<string>(_ => Sender.Tell("ready"));
        }
    }

    private sealed class ChildWatcher : ReceiveActor
    {
        public ChildWatcher(IActorRef probe)
        {
            IActorRef child = Context.ActorOf(Props.Create<EchoActor>(), "child");
            Context.Watch(child);
            Receive<string>(s => s == "stop-child", _ => Context.Stop(child));
            Receive<string>(s => s == "children", _ => probe.Tell(Context.GetChildren().Count()));
            Receive<Terminated>(t => probe.Tell(t));
        }
    }
}
