namespace Shm.Actors.Tests;

/// <summary>The less travelled API: runtime-typed and async handlers, RunTask, stash filters, graceful-stop timeouts.</summary>
public sealed class MoreApiSpec : ActorSpec
{
    [Fact]
    public void Receive_by_runtime_type_and_ReceiveAnyAsync()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<Mixed>());
        actor.Tell(new Uri("http://example.org/"));
        ExpectMsg("uri");
        actor.Tell(42);
        ExpectMsg("async:42");
    }

    [Fact]
    public void RunTask_in_an_untyped_actor_keeps_the_context()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<TaskRunner>());
        actor.Tell("go");
        ExpectMsg("before");
        ExpectMsg("after:" + TestActor.Path.Name);
    }

    [Fact]
    public void UnstashAll_with_a_predicate_and_ClearStash()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<FilteringStash>());
        actor.Tell(1);
        actor.Tell(2);
        actor.Tell(3);
        actor.Tell(4);
        actor.Tell("evens");
        ExpectMsg(2);
        ExpectMsg(4);
        actor.Tell(5);
        actor.Tell("clear");
        ExpectMsg(1);   // ClearStash returned what was left: only 5 (the odds were dropped by the filtered UnstashAll)
    }

    [Fact]
    public async Task GracefulStop_returns_false_when_the_actor_does_not_stop_in_time()
    {
        var gate = new ManualResetEventSlim();
        IActorRef actor = Sys.ActorOf(Props.Create(() => new Gated(gate)));
        actor.Tell("block");
        Assert.False(await actor.GracefulStop(TimeSpan.FromMilliseconds(100)));
        gate.Set();
        Watch(actor);
        ExpectTerminated(actor);   // the PoisonPill is still queued and stops it once it is free
    }

    [Fact]
    public void Advanced_scheduler_runs_actions_until_cancelled()
    {
        using var cancelable = new Cancelable();
        int runs = 0;
        IActorRef probe = TestActor;
        Sys.Scheduler.Advanced.ScheduleRepeatedly(TimeSpan.Zero, TimeSpan.FromMilliseconds(10), () =>
        {
            if (Interlocked.Increment(ref runs) == 3) probe.Tell("third run", ActorRefs.NoSender);
        }, cancelable);
        ExpectMsg("third run");
        cancelable.Cancel();
        int afterCancel = Volatile.Read(ref runs);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Assert.True(Volatile.Read(ref runs) <= afterCancel + 1);   // at most one run already in flight
    }

    private sealed class Mixed : ReceiveActor
    {
        public Mixed()
        {
            Receive(typeof(Uri), _ => Sender.Tell("uri"));
            ReceiveAnyAsync(async m =>
            {
                await Task.Yield();
                Sender.Tell("async:" + m);
            });
        }
    }

    private sealed class TaskRunner : UntypedActor
    {
        protected override void OnReceive(object message) => RunTask(async () =>
        {
            Sender.Tell("before");
            await Task.Delay(1);
            Sender.Tell("after:" + Sender.Path.Name);
        });
    }

    private sealed class FilteringStash : ReceiveActor, IWithUnboundedStash
    {
        public IStash Stash { get; set; } = null!;

        public FilteringStash()
        {
            Receive<string>(s => s == "evens", _ =>
            {
                IActorRef replyTo = Sender;
                Become(() =>
                {
                    Receive<int>(i => i % 2 == 0, i => replyTo.Tell(i));
                    Receive<int>(_ => Stash.Stash());
                    Receive<string>(s => s == "clear", _ => Sender.Tell(Stash.ClearStash().Count()));
                });
                Stash.UnstashAll(e => e.Message is int i && i % 2 == 0);
            });
            Receive<int>(_ => Stash.Stash());
        }
    }

    private sealed class Gated : ReceiveActor
    {
        public Gated(ManualResetEventSlim gate) => Receive<string>(_ => gate.Wait());
    }
}
