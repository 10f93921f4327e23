using Xunit.Sdk;

namespace Shm.Actors.Tests;

public sealed class TestKitSpec : ActorSpec
{
    [Fact]
    public void ExpectMsg_overloads_check_type_value_and_predicate()
    {
        TestActor.Tell("a");
        TestActor.Tell(1);
        TestActor.Tell("c");
        Assert.Equal("a", ExpectMsg<string>());
        Assert.Throws<XunitException>(() => ExpectMsg("not 1"));   // consumes the 1: nothing is skipped or put back
        ExpectMsg("c");
        TestActor.Tell("b");
        ExpectMsg<string>(s => s == "b");
        TestActor.Tell("d");
        ExpectMsg<string>(s => Assert.Equal("d", s));
    }

    [Fact]
    public void ExpectMsg_times_out_with_a_helpful_message()
    {
        var e = Assert.Throws<XunitException>(() => ExpectMsg<string>(TimeSpan.FromMilliseconds(50), "the hint"));
        Assert.Contains("Timeout", e.Message);
        Assert.Contains("the hint", e.Message);
    }

    [Fact]
    public void ExpectNoMsg_fails_when_a_message_arrives()
    {
        TestActor.Tell("surprise");
        Assert.Throws<XunitException>(() => ExpectNoMsg(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public void ExpectMsgFrom_checks_the_sender()
    {
        TestProbe probe = CreateTestProbe();
        probe.Send(TestActor, "from probe");
        ExpectMsgFrom<string>(probe.Ref);
        probe.Send(TestActor, "again");
        Assert.Throws<XunitException>(() => ExpectMsgFrom<string>(TestActor));
    }

    [Fact]
    public void ReceiveN_and_FishForMessage()
    {
        for (int i = 0; i < 5; i++) TestActor.Tell(i);
        Assert.Equal([0, 1, 2], ReceiveN(3).Cast<int>());
        Assert.Equal(4, FishForMessage<int>(i => i == 4));
        Assert.Throws<XunitException>(() => FishForMessage<int>(i => i == 99, TimeSpan.FromMilliseconds(100)));
        Assert.Throws<XunitException>(() => ReceiveN(1, TimeSpan.FromMilliseconds(50)));
    }

    [Fact]
    public void ExpectMsgAnyOf_ReceiveWhile_and_IgnoreMessages()
    {
        TestActor.Tell("b");
        Assert.Equal("b", ExpectMsgAnyOf("a", "b"));
        TestActor.Tell("c");
        Assert.Throws<XunitException>(() => ExpectMsgAnyOf("a", "b"));

        TestActor.Tell("x1");
        TestActor.Tell("x2");
        TestActor.Tell("stop");
        IReadOnlyList<string> xs = ReceiveWhile<string>(m => m is string s && s.StartsWith('x') ? s : null);
        Assert.Equal(["x1", "x2"], xs);
        ExpectMsg("stop");   // the first rejected message stays queued

        IgnoreMessages<int>();
        TestActor.Tell(1);
        TestActor.Tell("kept");
        ExpectMsg("kept");
        IgnoreNoMessages();
        TestActor.Tell(2);
        ExpectMsg(2);
    }

    [Fact]
    public void ExpectMsgAllOf_accepts_any_order()
    {
        TestActor.Tell(2);
        TestActor.Tell(1);
        ExpectMsgAllOf(1, 2);
    }

    [Fact]
    public void Within_bounds_the_block_and_its_expectations()
    {
        TestActor.Tell("in time");
        Within(TimeSpan.FromSeconds(3), () =>
        {
            ExpectMsg("in time");
            Assert.True(Remaining <= Dilated(TimeSpan.FromSeconds(3)));
        });
        Assert.Throws<XunitException>(() => Within(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), () => { }));
        Assert.Throws<XunitException>(() => Within(TimeSpan.FromMilliseconds(100), () => ExpectMsg<string>()));
    }

    [Fact]
    public void AwaitAssert_retries_until_the_assertion_holds_and_rethrows_at_the_deadline()
    {
        int calls = 0;
        AwaitAssert(() => Assert.True(++calls >= 3), interval: TimeSpan.FromMilliseconds(10));
        Assert.Equal(3, calls);
        Assert.Throws<TrueException>(() => AwaitAssert(() => Assert.True(false), TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void AwaitCondition_polls_until_true()
    {
        var start = DateTime.UtcNow;
        AwaitCondition(() => DateTime.UtcNow - start > TimeSpan.FromMilliseconds(50));
        Assert.Throws<XunitException>(() => AwaitCondition(() => false, TimeSpan.FromMilliseconds(100)));
    }

    [Fact]
    public void Probe_reply_forward_and_autopilot()
    {
        TestProbe probe = CreateTestProbe("collaborator");
        IActorRef echo = Sys.ActorOf(Props.Create<EchoActor>());
        probe.Send(echo, "ping");
        probe.ExpectMsg("ping");
        Assert.Equal(echo, probe.Sender);

        TestActor.Tell("unused");
        ExpectMsg("unused");
        probe.Ref.Tell("question", TestActor);
        probe.ExpectMsg("question");
        probe.Reply("answer");
        ExpectMsg("answer");
        Assert.Equal(probe.Ref, LastSender);

        probe.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
        {
            sender.Tell("auto:" + message, ActorRefs.NoSender);
            return AutoPilot.KeepRunning;
        }));
        probe.Ref.Tell("x", TestActor);
        ExpectMsg("auto:x");
        probe.ExpectMsg("x");
    }

    [Fact]
    public void A_probe_is_an_actor_ref()
    {
        TestProbe probe = CreateTestProbe();
        IActorRef forwarder = Sys.ActorOf(Props.Create(() => new ForwardingActor(probe)));
        forwarder.Tell("via probe as ref");
        probe.ExpectMsg("via probe as ref");
        Assert.Equal(probe.Ref, (IActorRef)probe);
        Assert.True(probe.Equals(probe.Ref));

        // Actors can watch a probe passed as a plain IActorRef, and the TestKit can stop it.
        TestProbe watcher = CreateTestProbe();
        IActorRef deathWatcher = Sys.ActorOf(Props.Create(() => new ProbeWatcher(probe, watcher)));
        watcher.ExpectMsg("watching");
        Sys.Stop(probe);
        Assert.Equal(probe.Ref, watcher.ExpectMsg<Terminated>().ActorRef);
        Assert.NotNull(deathWatcher);
    }

    private sealed class ProbeWatcher : ReceiveActor
    {
        public ProbeWatcher(IActorRef subject, IActorRef report)
        {
            Context.Watch(subject);
            Receive<Terminated>(t => report.Tell(t));
            report.Tell("watching");
        }
    }

    [Fact]
    public async Task Async_expectations()
    {
        TestActor.Tell("async");
        Assert.Equal("async", await ExpectMsgAsync<string>());
        await ExpectNoMsgAsync(TimeSpan.FromMilliseconds(50));
        IActorRef echo = Sys.ActorOf(Props.Create<EchoActor>());
        Watch(echo);
        Sys.Stop(echo);
        await ExpectTerminatedAsync(echo);
    }

    [Fact]
    public void Time_factor_dilates_durations()
    {
        Assert.Equal(TimeSpan.FromTicks((long)(TimeSpan.FromSeconds(3).Ticks * TestKitSettings.TimeFactor)), Dilated(TimeSpan.FromSeconds(3)));
        Assert.Equal(Dilated(TimeSpan.FromSeconds(3)), RemainingOrDefault);
    }
}
