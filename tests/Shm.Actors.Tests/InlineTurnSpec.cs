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
}
