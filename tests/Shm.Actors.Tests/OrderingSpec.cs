namespace Shm.Actors.Tests;

public sealed class OrderingSpec : ActorSpec
{
    private const int Senders = 4;
    private const int PerSender = 250_000;

    [Fact]
    public void One_million_messages_from_four_senders_keep_per_sender_order()
    {
        IActorRef checker = Sys.ActorOf(Props.Create(() => new OrderChecker(Senders, PerSender)));
        var threads = new Thread[Senders];
        for (int s = 0; s < Senders; s++)
        {
            int sender = s;
            threads[s] = new Thread(() =>
            {
                for (int i = 0; i < PerSender; i++) checker.Tell(new Numbered(sender, i), ActorRefs.NoSender);
            });
            threads[s].Start();
        }
        foreach (Thread t in threads) t.Join();
        checker.Tell("result");
        Assert.Equal("ok:1000000", ExpectMsg<string>(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public void Order_holds_between_actor_senders_too()
    {
        IActorRef checker = Sys.ActorOf(Props.Create(() => new OrderChecker(Senders, 10_000)));
        for (int s = 0; s < Senders; s++)
        {
            int id = s;   // the factory runs later, on the dispatcher: capture a copy, not the loop variable
            Sys.ActorOf(Props.Create(() => new Producer(checker, id, 10_000))).Tell("go");
        }
        AwaitAssert(() =>
        {
            checker.Tell("result");
            Assert.Equal("ok:40000", ExpectMsg<string>());
        }, TimeSpan.FromSeconds(20));
    }

    [Fact]
    public void An_actor_never_runs_concurrently_with_itself()
    {
        var overlap = new OverlapDetector();
        IActorRef actor = Sys.ActorOf(Props.Create(() => new OverlapCheckingActor(overlap)));
        Parallel.For(0, 4, _ =>
        {
            for (int i = 0; i < 50_000; i++) actor.Tell(i, ActorRefs.NoSender);
        });
        actor.Tell("done?");
        Assert.Equal(200_000, ExpectMsg<int>(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, overlap.Overlaps);
    }

    public sealed class OverlapDetector
    {
        public int Inside;
        public int Overlaps;
    }

    private sealed class OverlapCheckingActor : ReceiveActor
    {
        private int _handled;

        public OverlapCheckingActor(OverlapDetector detector)
        {
            Receive<int>(_ =>
            {
                if (Interlocked.Increment(ref detector.Inside) != 1) Interlocked.Increment(ref detector.Overlaps);
                _handled++;
                Interlocked.Decrement(ref detector.Inside);
            });
            Receive<string>(_ => Sender.Tell(_handled));
        }
    }

    private sealed record Numbered(int Sender, int Sequence);

    private sealed class OrderChecker : ReceiveActor
    {
        private readonly int[] _next;
        private long _received;
        private string? _error;

        public OrderChecker(int senders, int perSender)
        {
            _next = new int[senders];
            Receive<Numbered>(n =>
            {
                _received++;
                if (_error is null && n.Sequence != _next[n.Sender]) _error = $"sender {n.Sender}: expected {_next[n.Sender]}, got {n.Sequence}";
                _next[n.Sender] = n.Sequence + 1;
            });
            Receive<string>(_ => Sender.Tell(_error ?? $"ok:{_received}"));
        }
    }

    private sealed class Producer : ReceiveActor
    {
        public Producer(IActorRef target, int id, int count) => Receive<string>(_ =>
        {
            for (int i = 0; i < count; i++) target.Tell(new Numbered(id, i));
        });
    }
}
