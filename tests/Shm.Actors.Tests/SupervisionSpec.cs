namespace Shm.Actors.Tests;

public sealed class SupervisionSpec : ActorSpec
{
    private IActorRef ChildOf(IActorRef supervisor, Props props)
    {
        supervisor.Tell(props);
        return ExpectMsg<IActorRef>();
    }

    private IActorRef NewSupervisor(SupervisorStrategy strategy) => Sys.ActorOf(Props.Create(() => new Supervisor(strategy)));

    [Fact]
    public void Resume_keeps_the_instance_and_its_state()
    {
        IActorRef supervisor = NewSupervisor(new OneForOneStrategy(_ => Directive.Resume));
        IActorRef child = ChildOf(supervisor, Props.Create<StatefulActor>());
        child.Tell("inc");
        child.Tell("inc");
        child.Tell(new InvalidOperationException("boom"));
        child.Tell("get");
        ExpectMsg(2);
    }

    [Fact]
    public void Restart_replaces_the_instance_keeps_the_mailbox_and_reruns_hooks()
    {
        TestProbe probe = CreateTestProbe();
        IActorRef supervisor = NewSupervisor(new OneForOneStrategy(_ => Directive.Restart));
        IActorRef child = ChildOf(supervisor, Props.Create(() => new LifecycleActor(probe.Ref, "c")));
        probe.ExpectMsg("c:ctor");
        probe.ExpectMsg("c:preStart");
        // Everything is queued before the failure is handled: the messages after it must survive the restart.
        child.Tell(new InvalidOperationException("boom"));
        child.Tell("after-1");
        child.Tell("after-2");
        probe.ExpectMsg("c:preRestart:boom");
        probe.ExpectMsg("c:postStop");
        probe.ExpectMsg("c:ctor");
        probe.ExpectMsg("c:postRestart:boom");
        probe.ExpectMsg("c:preStart");
        probe.ExpectMsg("c:got:after-1");
        probe.ExpectMsg("c:got:after-2");
    }

    [Fact]
    public void Restart_resets_state_and_keeps_the_ref()
    {
        IActorRef supervisor = NewSupervisor(new OneForOneStrategy(_ => Directive.Restart));
        IActorRef child = ChildOf(supervisor, Props.Create<StatefulActor>());
        child.Tell("inc");
        child.Tell(new InvalidOperationException("boom"));
        child.Tell("get");
        ExpectMsg(0);
    }

    [Fact]
    public void Stop_directive_stops_the_child()
    {
        IActorRef supervisor = NewSupervisor(new OneForOneStrategy(_ => Directive.Stop));
        IActorRef child = ChildOf(supervisor, Props.Create<StatefulActor>());
        Watch(child);
        child.Tell(new InvalidOperationException("boom"));
        ExpectTerminated(child);
    }

    [Fact]
    public void Default_decider_stops_on_kill_and_restarts_on_other_exceptions()
    {
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new ActorKilledException("k")));
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new ActorInitializationException(null, "i", null)));
        Assert.Equal(Directive.Stop, SupervisorStrategy.DefaultDecider(new DeathPactException(ActorRefs.Nobody)));
        Assert.Equal(Directive.Restart, SupervisorStrategy.DefaultDecider(new InvalidOperationException()));

        IActorRef child = Sys.ActorOf(Props.Create<StatefulActor>());
        Watch(child);
        child.Tell(Kill.Instance);
        ExpectTerminated(child);
    }

    [Fact]
    public void Failing_constructor_stops_the_actor_by_default()
    {
        IActorRef broken = Sys.ActorOf(Props.Create(() => new BrokenActor()));
        Watch(broken);
        ExpectTerminated(broken);
    }

    [Fact]
    public void Retry_limit_turns_restarts_into_a_stop()
    {
        IActorRef supervisor = NewSupervisor(new OneForOneStrategy(2, null, _ => Directive.Restart));
        IActorRef child = ChildOf(supervisor, Props.Create<StatefulActor>());
        Watch(child);
        child.Tell(new InvalidOperationException("1"));
        child.Tell(new InvalidOperationException("2"));
        child.Tell("get");
        ExpectMsg(0);   // still alive after two restarts
        child.Tell(new InvalidOperationException("3"));
        ExpectTerminated(child);
    }

    [Fact]
    public void Zero_retries_never_restart()
    {
        IActorRef supervisor = NewSupervisor(new OneForOneStrategy(0, null, _ => Directive.Restart));
        IActorRef child = ChildOf(supervisor, Props.Create<StatefulActor>());
        Watch(child);
        child.Tell(new InvalidOperationException("1"));
        ExpectTerminated(child);
    }

    [Fact]
    public void Retries_inside_a_window_are_counted_and_a_new_window_starts_fresh()
    {
        IActorRef supervisor = NewSupervisor(new OneForOneStrategy(1, TimeSpan.FromMinutes(1), _ => Directive.Restart));
        IActorRef child = ChildOf(supervisor, Props.Create<StatefulActor>());
        Watch(child);
        child.Tell(new InvalidOperationException("1"));
        child.Tell("get");
        ExpectMsg(0);
        child.Tell(new InvalidOperationException("2"));   // second failure in the same minute: over the limit
        ExpectTerminated(child);
    }

    [Fact]
    public void Restart_stats_open_a_new_window_after_the_old_one_passed()
    {
        var stats = new Internal.ChildRestartStats(Internal.Nobody.Instance);
        TimeSpan window = TimeSpan.FromMilliseconds(50);
        Assert.True(stats.RequestRestartPermission(1, window));
        Assert.False(stats.RequestRestartPermission(1, window));
        // A deterministic wait on the clock the stats use, not a sleep standing in for synchronization.
        long until = Environment.TickCount64 + 60;
        SpinWait.SpinUntil(() => Environment.TickCount64 > until);
        Assert.True(stats.RequestRestartPermission(1, window));
        Assert.Equal(1, stats.RetriesCount);
    }

    [Fact]
    public void Unlimited_retries_without_window()
    {
        var stats = new Internal.ChildRestartStats(Internal.Nobody.Instance);
        for (int i = 0; i < 100; i++) Assert.True(stats.RequestRestartPermission(-1, null));
        Assert.True(stats.RequestRestartPermission(null, null));
    }

    [Fact]
    public void Escalate_goes_through_two_levels()
    {
        TestProbe probe = CreateTestProbe();
        // top restarts its child (middle) on anything; middle escalates; leaf fails.
        IActorRef top = NewSupervisor(new OneForOneStrategy(_ => Directive.Restart));
        IActorRef middle = ChildOf(top, Props.Create(() => new LifecycleActor(probe.Ref, "m"))
            .WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Escalate)));
        probe.ExpectMsg("m:ctor");
        probe.ExpectMsg("m:preStart");
        middle.Tell(Props.Create(() => new LifecycleActor(probe.Ref, "l")));
        IActorRef leaf = ExpectMsg<IActorRef>();
        probe.ExpectMsg("l:ctor");
        probe.ExpectMsg("l:preStart");
        Watch(leaf);
        leaf.Tell(new InvalidOperationException("deep"));
        // middle restarts: its default PreRestart asks the leaf to stop (asynchronously) and runs PostStop; the new
        // instance is only built once the leaf has stopped.
        probe.ExpectMsg("m:preRestart:deep");
        probe.ExpectMsgAllOf("l:postStop", "m:postStop");
        probe.ExpectMsg("m:ctor");
        probe.ExpectMsg("m:postRestart:deep");
        probe.ExpectMsg("m:preStart");
        ExpectTerminated(leaf);
        middle.Tell("children");
        ExpectMsg(0);
    }

    [Fact]
    public void Escalate_to_a_resuming_grandparent_resumes_the_whole_subtree()
    {
        IActorRef top = NewSupervisor(new OneForOneStrategy(_ => Directive.Resume));
        IActorRef middle = ChildOf(top, Props.Create(() => new Supervisor(new OneForOneStrategy(_ => Directive.Escalate))));
        IActorRef leaf = ChildOf(middle, Props.Create<StatefulActor>());
        leaf.Tell("inc");
        leaf.Tell(new InvalidOperationException("deep"));
        leaf.Tell("get");
        ExpectMsg(1);
    }

    [Fact]
    public void All_for_one_restarts_every_child()
    {
        IActorRef supervisor = NewSupervisor(new AllForOneStrategy(_ => Directive.Restart));
        IActorRef a = ChildOf(supervisor, Props.Create<StatefulActor>());
        IActorRef b = ChildOf(supervisor, Props.Create<StatefulActor>());
        a.Tell("inc");
        b.Tell("inc");
        b.Tell("inc");
        b.Tell("get");
        ExpectMsg(2);   // b has handled its increments before a fails (otherwise the restart could overtake them)
        a.Tell(new InvalidOperationException("a failed"));
        AwaitAssert(() =>
        {
            a.Tell("get");
            Assert.Equal(0, ExpectMsg<int>());
            b.Tell("get");
            Assert.Equal(0, ExpectMsg<int>());
        });
    }

    [Fact]
    public void All_for_one_stop_stops_every_child()
    {
        IActorRef supervisor = NewSupervisor(new AllForOneStrategy(_ => Directive.Stop));
        IActorRef a = ChildOf(supervisor, Props.Create<StatefulActor>());
        IActorRef b = ChildOf(supervisor, Props.Create<StatefulActor>());
        Watch(a);
        Watch(b);
        a.Tell(new InvalidOperationException("a failed"));
        var stopped = new HashSet<IActorRef> { ExpectMsg<Terminated>().ActorRef, ExpectMsg<Terminated>().ActorRef };
        Assert.Equal(new HashSet<IActorRef> { a, b }, stopped);
    }

    [Fact]
    public void All_for_one_resume_resumes_only_the_failing_child()
    {
        IActorRef supervisor = NewSupervisor(new AllForOneStrategy(_ => Directive.Resume));
        IActorRef a = ChildOf(supervisor, Props.Create<StatefulActor>());
        IActorRef b = ChildOf(supervisor, Props.Create<StatefulActor>());
        a.Tell("inc");
        b.Tell("inc");
        b.Tell("get");
        ExpectMsg(1);
        a.Tell(new InvalidOperationException("a failed"));
        a.Tell("get");
        ExpectMsg(1);
        b.Tell("get");
        ExpectMsg(1);
    }

    [Fact]
    public void Decider_from_pairs_matches_in_order()
    {
        Func<Exception, Directive> decider = Decider.From(
            Directive.Restart,
            Directive.Stop.When<ArgumentNullException>(),
            Directive.Resume.When<ArgumentException>());
        Assert.Equal(Directive.Stop, decider(new ArgumentNullException()));
        Assert.Equal(Directive.Resume, decider(new ArgumentOutOfRangeException()));
        Assert.Equal(Directive.Restart, decider(new InvalidOperationException()));
    }

    [Fact]
    public void Props_strategy_overrides_the_actor_strategy()
    {
        IActorRef supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(new OneForOneStrategy(_ => Directive.Restart)))
            .WithSupervisorStrategy(new OneForOneStrategy(_ => Directive.Resume)));
        IActorRef child = ChildOf(supervisor, Props.Create<StatefulActor>());
        child.Tell("inc");
        child.Tell(new InvalidOperationException());
        child.Tell("get");
        ExpectMsg(1);
    }

    [Fact]
    public void Guardian_restarts_failing_top_level_actors()
    {
        IActorRef top = Sys.ActorOf(Props.Create<StatefulActor>());
        top.Tell("inc");
        top.Tell(new InvalidOperationException());
        top.Tell("get");
        ExpectMsg(0);
    }

    [Fact]
    public void Resuming_an_actor_whose_constructor_failed_builds_a_fresh_instance()
    {
        var attempts = new AttemptCounter();
        IActorRef supervisor = NewSupervisor(new OneForOneStrategy(_ => Directive.Resume));
        IActorRef child = ChildOf(supervisor, Props.Create(() => new FailsFirstTime(attempts)));
        child.Tell("hello");
        ExpectMsg("hello");
        Assert.Equal(2, attempts.Count);
    }

    [Fact]
    public void Reflection_props_surface_the_constructor_exception()
    {
        Sys.EventStream.Subscribe<Event.Error>(TestActor);
        Sys.ActorOf(Props.Create(typeof(BrokenActor)));
        var error = FishForMessage<Event.Error>(e => e.Cause is ActorInitializationException);
        Assert.IsType<InvalidOperationException>(error.Cause!.InnerException);
    }

    [Fact]
    public void Children_kept_by_PreRestart_are_restarted_with_their_parent()
    {
        TestProbe probe = CreateTestProbe();
        IActorRef parent = Sys.ActorOf(Props.Create(() => new KeepsChildren(probe.Ref)));
        probe.ExpectMsg("c:ctor");
        probe.ExpectMsg("c:preStart");
        parent.Tell(new InvalidOperationException("parent failed"));
        probe.ExpectMsg("c:preRestart:parent failed");
        probe.ExpectMsg("c:postStop");
        probe.ExpectMsg("c:ctor");
        probe.ExpectMsg("c:postRestart:parent failed");
        probe.ExpectMsg("c:preStart");
        parent.Tell("children");
        ExpectMsg(1);
    }

    private sealed class KeepsChildren : ReceiveActor
    {
        public KeepsChildren(IActorRef probe)
        {
            if (Context.Child("c").Equals(ActorRefs.Nobody)) Context.ActorOf(Props.Create(() => new LifecycleActor(probe, "c")), "c");
            Receive<Exception>(e => throw e);
            Receive<string>(_ => Sender.Tell(Context.GetChildren().Count()));
        }

        // Keep the children: they are restarted along with this actor instead of being stopped.
        protected override void PreRestart(Exception reason, object? message) => PostStop();
    }

    public sealed class AttemptCounter
    {
        public int Count;
    }

    private sealed class FailsFirstTime : ReceiveActor
    {
        public FailsFirstTime(AttemptCounter attempts)
        {
            if (++attempts.Count == 1) throw new InvalidOperationException("first attempt");
            ReceiveAny(m => Sender.Tell(m));
        }
    }

    private sealed class BrokenActor : ReceiveActor
    {
        public BrokenActor() => throw new InvalidOperationException("cannot start");
    }
}
