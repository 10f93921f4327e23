namespace Shm.Actors.Tests;

public sealed class StashTimersSpec : ActorSpec
{
    [Fact]
    public void Stash_and_unstash_all_in_order_ahead_of_newer_mail()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<Gate>());
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("open");
        actor.Tell("c");
        ExpectMsg("a");
        ExpectMsg("b");
        ExpectMsg("c");
    }

    [Fact]
    public void Unstash_puts_back_only_the_oldest()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<Gate>());
        actor.Tell("a");
        actor.Tell("b");
        actor.Tell("one");
        ExpectMsg("a");
        actor.Tell("count");
        ExpectMsg(1);
    }

    [Fact]
    public void Stashing_twice_throws()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<DoubleStasher>());
        actor.Tell("x");
        ExpectMsg<IllegalActorStateException>();
    }

    [Fact]
    public void Stash_returns_to_the_mailbox_on_restart()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<Gate>());
        actor.Tell("a");
        actor.Tell(new InvalidOperationException("restart me"));
        actor.Tell("open");
        ExpectMsg("a");
    }

    [Fact]
    public void Stash_goes_to_dead_letters_on_stop()
    {
        Sys.EventStream.Subscribe<Event.DeadLetter>(TestActor);
        IActorRef actor = Sys.ActorOf(Props.Create<Gate>());
        actor.Tell("stashed");
        actor.Tell("count");
        ExpectMsg(1);
        Sys.Stop(actor);
        Assert.Equal("stashed", ExpectMsg<Event.DeadLetter>().Message);
    }

    [Fact]
    public void Stashed_timer_and_Terminated_messages_survive_unstash()
    {
        IActorRef target = Sys.ActorOf(Props.Create<EchoActor>());
        IActorRef actor = Sys.ActorOf(Props.Create(() => new StashEverything(target)));
        actor.Tell("ready?");
        ExpectMsg("ready");
        Sys.Stop(target);
        // The timer message and the Terminated are stashed while closed, and must both come out after "open".
        AwaitAssert(() =>
        {
            actor.Tell("count?");
            Assert.Equal(2, ExpectMsg<int>());
        });
        actor.Tell("open");
        ExpectMsgAllOf("tick", "terminated");
    }

    [Fact]
    public void Single_timer_fires_once()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new StartSingle("tick", TimeSpan.FromMilliseconds(50)));
        ExpectMsg("tick");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        actor.Tell("active?");
        ExpectMsg(false);
    }

    [Fact]
    public void Periodic_timer_repeats_until_cancelled()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new StartPeriodic("beat", TimeSpan.FromMilliseconds(20)));
        ExpectMsg("beat");
        ExpectMsg("beat");
        ExpectMsg("beat");
        actor.Tell("cancel");
        FishForMessage<string>(s => s == "cancelled");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Replacing_a_timer_drops_the_old_message_even_if_queued()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        // Both timers are started inside one message; the first fires while the actor is still busy, so its message is
        // queued when the second replaces it, and must not be received.
        actor.Tell("replace-while-busy");
        ExpectMsg("second");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Timers_are_cancelled_on_restart()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));
        actor.Tell(new StartPeriodic("beat", TimeSpan.FromMilliseconds(20)));
        ExpectMsg("beat");
        actor.Tell(new InvalidOperationException("restart"));
        actor.Tell("active?");
        FishForMessage<bool>(b => !b);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public void Receive_timeout_fires_when_idle_and_repeats()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new Idler(TestActor, TimeSpan.FromMilliseconds(100))));
        ExpectMsg("timeout", TimeSpan.FromSeconds(3));
        ExpectMsg("timeout", TimeSpan.FromSeconds(3));
        actor.Tell("off");
        FishForMessage<string>(s => s == "off");
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public void Receive_timeout_is_reset_by_activity_but_not_by_marked_messages()
    {
        TimeSpan timeout = Dilated(TimeSpan.FromSeconds(2));
        IActorRef actor = Sys.ActorOf(Props.Create(() => new Idler(TestActor, timeout)));
        // Activity every ~250 ms for ~2.5 s in total: more than the timeout passes, but never while idle. The margin
        // (8x) absorbs scheduling stalls of a loaded machine; SHM_TEST_TIMEFACTOR widens it further.
        for (int i = 0; i < 10; i++)
        {
            actor.Tell("ping");
            ExpectMsg("pong", TimeSpan.FromSeconds(3));
            ExpectNoMsg(250);
        }
        actor.Tell(new NotInfluencing());
        ExpectMsg("not-influencing");
        ExpectMsg("timeout", TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void Scheduler_tells_once_and_repeatedly_until_cancelled()
    {
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(30), TestActor, "once", ActorRefs.NoSender);
        ExpectMsg("once");
        ICancelable repeating = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(TimeSpan.Zero, TimeSpan.FromMilliseconds(20), TestActor, "again", ActorRefs.NoSender);
        ExpectMsg("again");
        ExpectMsg("again");
        repeating.Cancel();
        Assert.True(repeating.IsCancellationRequested);
        // A tick already in flight may still land; after that, silence.
        ReceiveWhileAgain();
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        ICancelable never = Sys.Scheduler.ScheduleTellOnceCancelable(TimeSpan.FromMilliseconds(100), TestActor, "never", ActorRefs.NoSender);
        never.Cancel();
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    private void ReceiveWhileAgain()
    {
        while (ReceiveOne(TimeSpan.FromMilliseconds(50)) is "again") { }
    }

    private sealed record StartSingle(string Message, TimeSpan After);

    private sealed record StartPeriodic(string Message, TimeSpan Every);

    private sealed class NotInfluencing : INotInfluenceReceiveTimeout;

    private sealed class Gate : ReceiveActor, IWithUnboundedStash
    {
        public IStash Stash { get; set; } = null!;

        public Gate()
        {
            Receive<Exception>(e => throw e);
            Receive<string>(s => s == "open", _ => { Become(Open); Stash.UnstashAll(); });
            Receive<string>(s => s == "one", _ => { Become(Open); Stash.Unstash(); });
            Receive<string>(s => s == "count", _ => Sender.Tell(Stash.Count));
            Receive<string>(_ => Stash.Stash());
        }

        private void Open()
        {
            Receive<string>(s => s == "count", _ => Sender.Tell(Stash.Count));
            Receive<string>(s => Sender.Tell(s));
        }
    }

    private sealed class StashEverything : ReceiveActor, IWithUnboundedStash, IWithTimers
    {
        public IStash Stash { get; set; } = null!;

        public ITimerScheduler Timers { get; set; } = null!;

        public StashEverything(IActorRef target)
        {
            Context.Watch(target);
            Timers.StartSingleTimer("t", "tick", TimeSpan.FromMilliseconds(10));
            Receive<string>(s => s == "ready?", _ => Sender.Tell("ready"));
            Receive<string>(s => s == "count?", _ => Sender.Tell(Stash.Count));
            Receive<string>(s => s == "open", _ =>
            {
                IActorRef replyTo = Sender;
                Become(() =>
                {
                    Receive<string>(s => replyTo.Tell(s));
                    Receive<Terminated>(_ => replyTo.Tell("terminated"));
                });
                Stash.UnstashAll();
            });
            ReceiveAny(_ => Stash.Stash());
        }
    }

    private sealed class DoubleStasher : ReceiveActor, IWithUnboundedStash
    {
        public IStash Stash { get; set; } = null!;

        public DoubleStasher() => Receive<string>(_ =>
        {
            Stash.Stash();
            try
            {
                Stash.Stash();
            }
            catch (IllegalActorStateException e)
            {
                Sender.Tell(e);
            }
        });
    }

    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public TimerActor(IActorRef probe)
        {
            Receive<Exception>(e => throw e);
            Receive<StartSingle>(s => Timers.StartSingleTimer("key", s.Message, s.After));
            Receive<StartPeriodic>(s => Timers.StartPeriodicTimer("key", s.Message, s.Every));
            Receive<string>(s => s == "active?", _ => Sender.Tell(Timers.IsTimerActive("key")));
            Receive<string>(s => s == "cancel", _ => { Timers.Cancel("key"); Sender.Tell("cancelled"); });
            Receive<string>(s => s == "replace-while-busy", _ =>
            {
                Timers.StartSingleTimer("key", "first", TimeSpan.FromMilliseconds(1));
                // Busy until the first timer has surely fired and queued its message (a deterministic wait on the clock).
                long until = Environment.TickCount64 + 50;
                SpinWait.SpinUntil(() => Environment.TickCount64 > until);
                Timers.StartSingleTimer("key", "second", TimeSpan.FromMilliseconds(1));
            });
            Receive<string>(s => probe.Tell(s));
        }
    }

    private sealed class Idler : ReceiveActor
    {
        public Idler(IActorRef probe, TimeSpan timeout)
        {
            SetReceiveTimeout(timeout);
            Receive<ReceiveTimeout>(_ => probe.Tell("timeout"));
            Receive<string>(s => s == "ping", _ => probe.Tell("pong"));
            Receive<string>(s => s == "off", _ => { SetReceiveTimeout(null); probe.Tell("off"); });
            Receive<NotInfluencing>(_ => probe.Tell("not-influencing"));
        }
    }
}
