using Shm.Actors.Dispatch;

namespace Shm.Actors.Tests;

public sealed class MailboxSpec : ActorSpec
{
    private static readonly ActorSystemSettings Settings = DefaultSettings
        .WithMailbox("bounded-2", new BoundedMailbox(2, TimeSpan.Zero))
        .WithMailbox("bounded-1-patient", new BoundedMailbox(1, TimeSpan.FromSeconds(30)))
        .WithMailbox("recording", new RecordingMailbox())
        .WithMailbox("urgent-first", new UrgentFirst())
        .WithDispatcher("slow-turns", 1);

    public MailboxSpec() : base(Settings) { }

    [Fact]
    public void Bounded_mailbox_dead_letters_overflow_after_the_push_timeout()
    {
        Sys.EventStream.Subscribe<Event.DeadLetter>(TestActor);
        var gate = new ManualResetEventSlim();
        var entered = new ManualResetEventSlim();
        IActorRef actor = Sys.ActorOf(Props.Create(() => new Blocker(gate, entered)).WithMailbox("bounded-2"));
        actor.Tell("block");
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(3);   // the queue holds 2 while the actor is blocked: this one overflows
        var dead = ExpectMsg<Event.DeadLetter>();
        Assert.Equal(3, dead.Message);
        gate.Set();
        ExpectMsg(1);
        ExpectMsg(2);
    }

    [Fact]
    public async Task Bounded_mailbox_producer_waits_for_room_within_the_push_timeout()
    {
        Sys.EventStream.Subscribe<Event.DeadLetter>(TestActor);
        var gate = new ManualResetEventSlim();
        var entered = new ManualResetEventSlim();
        IActorRef actor = Sys.ActorOf(Props.Create(() => new Blocker(gate, entered)).WithMailbox("bounded-1-patient"));
        actor.Tell("block");
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
        actor.Tell(1);                                          // fills the single slot
        Task blockedProducer = Task.Run(() => actor.Tell(2, TestActor));   // waits for room
        gate.Set();
        await blockedProducer.WaitAsync(TimeSpan.FromSeconds(10));
        ExpectMsg(1);
        ExpectMsg(2);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));            // nothing was dead-lettered
    }

    [Fact]
    public void Custom_mailbox_type_is_selected_by_props()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<EchoActor>().WithMailbox("recording"));
        actor.Tell("through the custom queue");
        ExpectMsg("through the custom queue");
        Assert.Contains(actor, RecordingMailbox.Owners);
    }

    [Fact]
    public void Priority_mailbox_delivers_lower_numbers_first_and_equal_ones_in_order()
    {
        var gate = new ManualResetEventSlim();
        var entered = new ManualResetEventSlim();
        IActorRef actor = Sys.ActorOf(Props.Create(() => new Blocker(gate, entered)).WithMailbox("urgent-first"));
        actor.Tell("block");
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
        foreach (int i in new[] { 5, 1, 7, 100, 3, 101 }) actor.Tell(i);
        gate.Set();
        // Even numbers are urgent (priority 0), odd ones normal (1); each class keeps its arrival order.
        Assert.Equal([100, 5, 1, 7, 3, 101], ReceiveN(6).Cast<int>());
    }

    [Fact]
    public void Unknown_mailbox_or_dispatcher_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => Sys.ActorOf(Props.Create<EchoActor>().WithMailbox("nope")));
        Assert.Throws<ArgumentException>(() => Sys.ActorOf(Props.Create<EchoActor>().WithDispatcher("nope")));
    }

    [Fact]
    public void Dispatcher_throughput_comes_from_settings()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<ThroughputReporter>().WithDispatcher("slow-turns"));
        actor.Tell("?");
        ExpectMsg(1);
    }

    [Fact]
    public void Actors_sharing_few_threads_all_make_progress()
    {
        // 50 actors, each handling 200 messages, with one message per turn: fairness via the thread pool.
        var actors = Enumerable.Range(0, 50).Select(_ => Sys.ActorOf(Props.Create<Counter>().WithDispatcher("slow-turns"))).ToList();
        foreach (IActorRef a in actors)
        {
            for (int i = 0; i < 200; i++) a.Tell("inc");
        }
        foreach (IActorRef a in actors) a.Tell("get");
        Assert.All(ReceiveN(50, TimeSpan.FromSeconds(20)), m => Assert.Equal(200, m));
    }

    private sealed class Blocker : ReceiveActor
    {
        public Blocker(ManualResetEventSlim gate, ManualResetEventSlim entered)
        {
            Receive<string>(_ =>
            {
                entered.Set(); // the actor is inside its handler: everything sent from now on queues in the mailbox
                gate.Wait();
            });
            Receive<int>(i => Sender.Tell(i));
        }
    }

    private sealed class ThroughputReporter : ReceiveActor
    {
        public ThroughputReporter() => ReceiveAny(_ => Sender.Tell(Context.Dispatcher.Throughput));
    }

    private sealed class Counter : ReceiveActor
    {
        private int _count;

        public Counter()
        {
            Receive<string>(s => s == "inc", _ => _count++);
            Receive<string>(s => s == "get", _ => Sender.Tell(_count));
        }
    }

    private sealed class UrgentFirst : UnboundedPriorityMailbox
    {
        protected override int PriorityGenerator(object message) => message is int i && i % 2 == 0 ? 0 : 1;
    }

    /// <summary>A custom mailbox type: an unbounded queue that remembers which actors it was created for.</summary>
    private sealed class RecordingMailbox : MailboxType
    {
        public static readonly System.Collections.Concurrent.ConcurrentBag<IActorRef> Owners = [];

        public override IMessageQueue Create(IActorRef owner, ActorSystem system)
        {
            Owners.Add(owner);
            return new UnboundedMessageQueue();
        }
    }
}
