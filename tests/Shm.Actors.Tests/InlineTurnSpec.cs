using Shm.Actors.Dispatch;
using Shm.Actors.Internal;

namespace Shm.Actors.Tests;

/// <summary>Mailbox.PostAndRunIfIdle: a transport thread runs an idle actor's turn itself, and only an idle one's.</summary>
public sealed class InlineTurnSpec : ActorSpec
{
    private sealed class ThreadRecorder : ReceiveActor
    {
        public ThreadRecorder(List<int> threads, ManualResetEventSlim? gate, ManualResetEventSlim? entered) => ReceiveAny(message =>
        {
            lock (threads)
                threads.Add(Environment.CurrentManagedThreadId);
            if (message is "block")
            {
                entered!.Set();
                gate!.Wait(TimeSpan.FromSeconds(30));
            }
            Sender.Tell(message);
        });
    }

    [Fact]
    public void An_idle_actor_runs_the_posted_message_on_the_posting_thread_before_the_call_returns()
    {
        var threads = new List<int>();
        var actor = (LocalActorRef)Sys.ActorOf(Props.Create(() => new ThreadRecorder(threads, null, null)));
        actor.Tell("warm-up", TestActor);
        ExpectMsg("warm-up");
        AwaitCondition(() => !actor.Cell.Mailbox.IsScheduled); // the warm-up turn has ended

        actor.Cell.Mailbox.PostAndRunIfIdle(actor, new Envelope("inline", TestActor));
        lock (threads)
            Assert.Equal(Environment.CurrentManagedThreadId, threads[^1]); // ran here, and is done when the call returns
        ExpectMsg("inline");
    }

    [Fact]
    public void A_busy_actor_gets_the_message_in_line_and_the_posting_thread_returns_at_once()
    {
        var threads = new List<int>();
        var gate = new ManualResetEventSlim();
        var entered = new ManualResetEventSlim();
        var actor = (LocalActorRef)Sys.ActorOf(Props.Create(() => new ThreadRecorder(threads, gate, entered)));
        actor.Tell("block", TestActor);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));

        actor.Cell.Mailbox.PostAndRunIfIdle(actor, new Envelope("queued", TestActor)); // returns: the turn is running elsewhere
        gate.Set();
        ExpectMsg("block");
        ExpectMsg("queued");
        lock (threads)
            Assert.DoesNotContain(Environment.CurrentManagedThreadId, threads);
    }

    private sealed record Numbered(int Sender, int Sequence);

    /// <summary>Checks each sender's sequence and answers "done" once it has <paramref name="expected"/> messages.</summary>
    private sealed class OrderChecker : ReceiveActor
    {
        public OrderChecker(int expected, IActorRef report)
        {
            var last = new Dictionary<int, int>();
            int count = 0;
            Receive<Numbered>(n =>
            {
                if (last.TryGetValue(n.Sender, out int previous) && n.Sequence != previous + 1)
                    report.Tell($"sender {n.Sender}: {n.Sequence} after {previous}");
                last[n.Sender] = n.Sequence;
                if (++count == expected)
                    report.Tell("done");
            });
        }
    }

    [Fact]
    public void Messages_posted_inline_by_one_thread_and_told_by_another_all_arrive_in_each_senders_order()
    {
        const int each = 20_000;
        var actor = (LocalActorRef)Sys.ActorOf(Props.Create(() => new OrderChecker(2 * each, TestActor)));
        var teller = new Thread(() =>
        {
            for (int i = 1; i <= each; i++)
                actor.Tell(new Numbered(1, i));
        });
        teller.Start();
        // Both paths: the message handed straight to an idle actor, and queued behind a turn running on another thread.
        for (int i = 1; i <= each; i++)
            actor.Cell.Mailbox.PostAndRunIfIdle(actor, new Envelope(new Numbered(2, i), ActorRefs.NoSender));
        teller.Join();
        ExpectMsg("done", TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_message_posted_inline_to_a_stopped_actor_is_a_dead_letter()
    {
        var threads = new List<int>();
        var actor = (LocalActorRef)Sys.ActorOf(Props.Create(() => new ThreadRecorder(threads, null, null)));
        Watch(actor);
        Sys.Stop(actor);
        ExpectTerminated(actor);
        Sys.EventStream.Subscribe<Event.DeadLetter>(TestActor);
        actor.Cell.Mailbox.PostAndRunIfIdle(actor, new Envelope("too late", TestActor));
        Assert.Equal("too late", ExpectMsg<Event.DeadLetter>().Message);
        lock (threads)
            Assert.Empty(threads);
    }

    private sealed class RecordingWatch : IInlineTurnWatch
    {
        public List<string> Events { get; } = [];

        public void TurnBegun() => Events.Add("begun");

        public void TurnEnded() => Events.Add("ended");
    }

    [Fact]
    public void The_watch_is_told_of_a_turn_run_inline_and_of_none_when_the_turn_runs_elsewhere()
    {
        var threads = new List<int>();
        var gate = new ManualResetEventSlim();
        var entered = new ManualResetEventSlim();
        var actor = (LocalActorRef)Sys.ActorOf(Props.Create(() => new ThreadRecorder(threads, gate, entered)));
        actor.Tell("warm-up", TestActor);
        ExpectMsg("warm-up");
        AwaitCondition(() => !actor.Cell.Mailbox.IsScheduled);

        var watch = new RecordingWatch();
        actor.Cell.Mailbox.PostAndRunIfIdle(actor, new Envelope("inline", TestActor), watch);
        Assert.Equal(["begun", "ended"], watch.Events);
        ExpectMsg("inline");

        actor.Tell("block", TestActor);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
        watch.Events.Clear();
        actor.Cell.Mailbox.PostAndRunIfIdle(actor, new Envelope("queued", TestActor), watch);
        Assert.Empty(watch.Events);
        gate.Set();
        ExpectMsg("block");
        ExpectMsg("queued");
    }
}
