namespace Shm.Actors.Tests;

public sealed class AskSpec : ActorSpec
{
    [Fact]
    public async Task Ask_returns_the_reply()
    {
        IActorRef echo = Sys.ActorOf(Props.Create<EchoActor>());
        Assert.Equal("ping", await echo.Ask<string>("ping", TimeSpan.FromSeconds(3)));
        Assert.Equal(5, await echo.Ask(5, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Ask_sender_is_a_temp_ref()
    {
        IActorRef replier = Sys.ActorOf(Props.Create<SenderReporter>());
        string path = await replier.Ask<string>("who", TimeSpan.FromSeconds(3));
        Assert.StartsWith("shm://test/temp/$", path);
    }

    [Fact]
    public async Task Ask_times_out_with_AskTimeoutException()
    {
        IActorRef silent = Sys.ActorOf(Props.Create<Silent>());
        var e = await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<string>("hello?", TimeSpan.FromMilliseconds(100)));
        Assert.Contains("Timeout after", e.Message);
    }

    [Fact]
    public async Task Late_replies_become_dead_letters()
    {
        Sys.EventStream.Subscribe<Event.DeadLetter>(TestActor);
        IActorRef silent = Sys.ActorOf(Props.Create<Silent>());
        await Assert.ThrowsAsync<AskTimeoutException>(() => silent.Ask<string>("hello?", TimeSpan.FromMilliseconds(50)));
        silent.Tell("reply-now");
        var dead = ExpectMsg<Event.DeadLetter>();
        Assert.Equal("late", dead.Message);
    }

    [Fact]
    public async Task Status_failure_faults_the_task_with_its_cause()
    {
        IActorRef failing = Sys.ActorOf(Props.Create<FailureReplier>());
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Ask<string>("x", TimeSpan.FromSeconds(3)));
        Assert.Equal("nope", e.Message);
        await Assert.ThrowsAsync<InvalidOperationException>(() => failing.Ask("x", TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Reply_of_the_wrong_type_faults_with_ArgumentException()
    {
        IActorRef echo = Sys.ActorOf(Props.Create<EchoActor>());
        await Assert.ThrowsAsync<ArgumentException>(() => echo.Ask<string>(42, TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task Cancelled_token_cancels_the_task()
    {
        IActorRef silent = Sys.ActorOf(Props.Create<Silent>());
        using var cts = new CancellationTokenSource();
        Task<string> ask = silent.Ask<string>("hello?", cts.Token);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ask);
    }

    [Fact]
    public async Task Ask_to_a_stopped_actor_fails_at_once()
    {
        IActorRef echo = Sys.ActorOf(Props.Create<EchoActor>());
        Watch(echo);
        Sys.Stop(echo);
        ExpectTerminated(echo);
        await Assert.ThrowsAsync<AskTimeoutException>(() => echo.Ask<string>("x"));
    }

    [Fact]
    public async Task Ask_with_a_message_factory_passes_the_reply_to_ref()
    {
        IActorRef replier = Sys.ActorOf(Props.Create<ReplyToActor>());
        string answer = await replier.Ask<string>(replyTo => new Request(replyTo), TimeSpan.FromSeconds(3), CancellationToken.None);
        Assert.Equal("answered", answer);
    }

    [Fact]
    public void PipeTo_sends_the_result_or_a_failure()
    {
        Task.FromResult(7).PipeTo(TestActor);
        ExpectMsg(7);
        Task.FromException<int>(new InvalidOperationException("bad")).PipeTo(TestActor);
        Assert.Equal("bad", ExpectMsg<Status.Failure>().Cause.Message);
        Task.FromResult(7).PipeTo(TestActor, success: i => $"ok:{i}");
        ExpectMsg("ok:7");
        Task.CompletedTask.PipeTo(TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        Task.CompletedTask.PipeTo(TestActor, success: () => "done");
        ExpectMsg("done");
        new ValueTask<int>(8).PipeTo(TestActor);
        ExpectMsg(8);
    }

    [Fact]
    public void PipeTo_self_inside_an_actor()
    {
        IActorRef actor = Sys.ActorOf(Props.Create<Piper>());
        actor.Tell("start");
        ExpectMsg("result:21");
    }

    [Fact]
    public void ReceiveAsync_handles_nothing_else_until_the_task_completes()
    {
        var gate = new TaskCompletionSource();
        IActorRef actor = Sys.ActorOf(Props.Create(() => new AsyncWorker(gate.Task)));
        actor.Tell("first");
        actor.Tell("second");
        ExpectMsg("started:first");
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        gate.SetResult();
        ExpectMsg("finished:first:" + TestActor.Path.Name);
        ExpectMsg("started:second");
        ExpectMsg("finished:second:" + TestActor.Path.Name);
    }

    [Fact]
    public void ReceiveAsync_fault_fails_the_actor()
    {
        IActorRef supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(new OneForOneStrategy(_ => Directive.Stop))));
        supervisor.Tell(Props.Create<AsyncThrower>());
        IActorRef child = ExpectMsg<IActorRef>();
        Watch(child);
        child.Tell("go");
        ExpectTerminated(child);
    }

    private sealed record Request(IActorRef ReplyTo);

    private sealed class SenderReporter : ReceiveActor
    {
        public SenderReporter() => ReceiveAny(_ => Sender.Tell(Sender.Path.ToString()));
    }

    private sealed class Silent : ReceiveActor
    {
        private IActorRef? _asker;

        public Silent()
        {
            Receive<string>(s => s == "reply-now", _ => _asker?.Tell("late"));
            Receive<string>(_ => _asker = Sender);
        }
    }

    private sealed class FailureReplier : ReceiveActor
    {
        public FailureReplier() => ReceiveAny(_ => Sender.Tell(new Status.Failure(new InvalidOperationException("nope"))));
    }

    private sealed class ReplyToActor : ReceiveActor
    {
        public ReplyToActor() => Receive<Request>(r => r.ReplyTo.Tell("answered"));
    }

    private sealed class Piper : ReceiveActor
    {
        private IActorRef? _requester;

        public Piper()
        {
            Receive<string>(s => s == "start", _ =>
            {
                _requester = Sender;
                Task.Run(async () => { await Task.Yield(); return 21; }).PipeTo(Self);
            });
            Receive<int>(i => _requester!.Tell("result:" + i));
        }
    }

    private sealed class AsyncWorker : ReceiveActor
    {
        public AsyncWorker(Task gate) => ReceiveAsync<string>(async s =>
        {
            Sender.Tell("started:" + s);
            await gate;
            await Task.Yield();
            // After the awaits we are back in the actor's context: Sender is still the original sender.
            Sender.Tell($"finished:{s}:{Sender.Path.Name}");
        });
    }

    private sealed class AsyncThrower : ReceiveActor
    {
        public AsyncThrower() => ReceiveAsync<string>(async _ =>
        {
            await Task.Yield();
            throw new InvalidOperationException("async boom");
        });
    }
}
