namespace Shm.Actors.Tests;

public sealed class LifecycleSpec : ActorSpec
{
    [Fact]
    public void Hooks_run_in_order_and_children_stop_before_the_parent()
    {
        IActorRef parent = Sys.ActorOf(Props.Create(() => new LifecycleActor(TestActor, "p")));
        ExpectMsg("p:ctor");
        ExpectMsg("p:preStart");
        parent.Tell(Props.Create(() => new LifecycleActor(TestActor, "c")));
        IActorRef child = ExpectMsg<IActorRef>();
        ExpectMsg("c:ctor");
        ExpectMsg("c:preStart");
        Watch(parent);
        Sys.Stop(parent);
        ExpectMsg("c:postStop");
        ExpectMsg("p:postStop");
        ExpectTerminated(parent);
        Assert.NotNull(child);
    }

    [Fact]
    public void PoisonPill_waits_its_turn()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new LifecycleActor(TestActor, "a")));
        ExpectMsg("a:ctor");
        ExpectMsg("a:preStart");
        Watch(actor);
        actor.Tell("one");
        actor.Tell(PoisonPill.Instance);
        actor.Tell("never");
        ExpectMsg("a:got:one");
        ExpectMsg("a:postStop");
        ExpectTerminated(actor);
    }

    [Fact]
    public void Stop_overtakes_the_mailbox_and_leftovers_become_dead_letters()
    {
        Sys.EventStream.Subscribe<Event.DeadLetter>(TestActor);
        var gate = new ManualResetEventSlim();
        IActorRef blocker = Sys.ActorOf(Props.Create(() => new BlockingActor(gate)));
        blocker.Tell("block");
        blocker.Tell("queued");
        Watch(blocker);
        Sys.Stop(blocker);
        gate.Set();
        var dead = FishForMessage<Event.DeadLetter>(d => d.Message is "queued");
        Assert.Equal(blocker, dead.Recipient);
        ExpectTerminated(blocker);
    }

    [Fact]
    public void Context_stop_self_finishes_the_current_message()
    {
        IActorRef actor = Sys.ActorOf(Props.Create(() => new SelfStopper(TestActor)));
        Watch(actor);
        actor.Tell("stop");
        ExpectMsg("stopping");
        ExpectMsg("still running");
        ExpectTerminated(actor);
    }

    [Fact]
    public async Task Graceful_stop_completes_when_stopped()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<EchoActor>());
        Assert.True(await actor.GracefulStop(TimeSpan.FromSeconds(5)));
        Assert.True(await actor.GracefulStop(TimeSpan.FromSeconds(5)));   // already stopped
    }

    [Fact]
    public void Become_and_stacked_behaviours()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<Moody>());
        actor.Tell("how");
        ExpectMsg("neutral");
        actor.Tell("happy");
        actor.Tell("how");
        ExpectMsg("happy");
        actor.Tell("sad");   // stacked on top of happy
        actor.Tell("how");
        ExpectMsg("sad");
        actor.Tell("unbecome");
        actor.Tell("how");
        ExpectMsg("happy");
    }

    [Fact]
    public void Untyped_actor_and_unhandled_messages()
    {
        Sys.EventStream.Subscribe<Event.UnhandledMessage>(TestActor);
        IActorRef actor = Sys.ActorOf(Props.Create<UntypedCounter>());
        actor.Tell(1);
        actor.Tell(2);
        actor.Tell("total");
        ExpectMsg(3);
        actor.Tell(4.5);
        var unhandled = ExpectMsg<Event.UnhandledMessage>();
        Assert.Equal(4.5, unhandled.Message);
        Assert.Equal(actor, unhandled.Recipient);
        actor.Tell("switch");
        actor.Tell(10);
        ExpectMsg("switched:10");
    }

    [Fact]
    public void Receive_predicates_and_func_handlers_fall_through_in_order()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<Matcher>());
        actor.Tell(5);
        ExpectMsg("small");
        actor.Tell(500);
        ExpectMsg("func-declined");
        actor.Tell("text");
        ExpectMsg("any:text");
    }

    [Fact]
    public void Registering_handlers_outside_the_constructor_throws()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<LateRegistration>());
        actor.Tell("register");
        ExpectMsg<InvalidOperationException>();
    }

    [Fact]
    public void Creating_an_actor_with_new_is_rejected()
    {
        Assert.Throws<ActorInitializationException>(() => new EchoActor());
    }

    [Fact]
    public void Identify_is_answered_automatically()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<EchoActor>());
        actor.Tell(new Identify(7));
        var identity = ExpectMsg<ActorIdentity>();
        Assert.Equal(7, identity.MessageId);
        Assert.Equal(actor, identity.Subject);
    }

    [Fact]
    public void Context_members_are_available()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<ContextReporter>(), "reporter");
        actor.Tell("report");
        var report = ExpectMsg<string>();
        Assert.Equal("reporter|/user|test|akka.actor.default-dispatcher|30|Nobody", report);
    }

    private sealed class BlockingActor : ReceiveActor
    {
        public BlockingActor(ManualResetEventSlim gate) => Receive<string>(s => { if (s == "block") gate.Wait(); });
    }

    private sealed class SelfStopper : ReceiveActor
    {
        public SelfStopper(IActorRef probe) => Receive<string>(_ =>
        {
            probe.Tell("stopping");
            Context.Stop(Self);
            probe.Tell("still running");
        });
    }

    private sealed class Moody : ReceiveActor
    {
        public Moody()
        {
            Receive<string>(s => s == "how", _ => Sender.Tell("neutral"));
            Receive<string>(s => s == "happy", _ => Become(Happy));
        }

        private void Happy()
        {
            Receive<string>(s => s == "how", _ => Sender.Tell("happy"));
            Receive<string>(s => s == "sad", _ => BecomeStacked(() =>
            {
                Receive<string>(s => s == "how", _ => Sender.Tell("sad"));
                Receive<string>(s => s == "unbecome", _ => UnbecomeStacked());
            }));
        }
    }

    private sealed class UntypedCounter : UntypedActor
    {
        private int _total;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case int i: _total += i; break;
                case "total": Sender.Tell(_total); break;
                case "switch": Become(Switched); break;
                default: Unhandled(message); break;
            }
        }

        private void Switched(object message) => Sender.Tell("switched:" + message);
    }

    private sealed class Matcher : ReceiveActor
    {
        public Matcher()
        {
            Receive<int>(i => i < 10, _ => Sender.Tell("small"));
            Receive<int>(i => { if (i > 1000) { Sender.Tell("huge"); return true; } return false; });
            Receive<int>(_ => Sender.Tell("func-declined"));
            ReceiveAny(m => Sender.Tell("any:" + m));
        }
    }

    private sealed class LateRegistration : ReceiveActor
    {
        public LateRegistration() => Receive<string>(_ =>
        {
            try
            {
                Receive<int>(_ => { });
            }
            catch (InvalidOperationException e)
            {
                Sender.Tell(e);
            }
        });
    }

    private sealed class ContextReporter : ReceiveActor
    {
        public ContextReporter() => Receive<string>(_ => Sender.Tell(string.Join("|",
            Self.Path.Name, Context.Parent.Path.ToStringWithoutAddress(), Context.System.Name, Context.Dispatcher.Id,
            Context.Dispatcher.Throughput, Context.Child("missing"))));
    }
}
