using Akka.Actor;
using Shm.RemoteNode;
using Shm.TestKit;
using Shm.Transport.Remote;

namespace Shm.Transport.Tests;

/// <summary>The direct path against nodes in child processes that are really killed (SIGKILL) and replaced.</summary>
[Collection(ChildProcesses.Collection)]
public sealed class DirectPathProcessTests : Akka.TestKit.Xunit2.TestKit
{
    private static int s_counter;

    public DirectPathProcessTests() : base(NodeConfig.Direct("watcher"), $"shmtest-{Environment.ProcessId}-dp{Interlocked.Increment(ref s_counter)}")
    {
    }

    private async Task<IActorRef> EchoOf(string node) =>
        await Sys.ActorSelection($"akka.shm://{Sys.Name}@{node}:{SharedMemoryTransport.Port}/user/echo").ResolveOne(TimeSpan.FromSeconds(30));

    private ShmRemoteActorRefProvider Provider => (ShmRemoteActorRefProvider)((ExtendedActorSystem)Sys).Provider;

    [Fact]
    public async Task Killing_a_node_on_the_direct_path_terminates_its_watched_actors_and_dead_letters_what_follows()
    {
        using NodeProcess victim = NodeProgram.StartDirect(Sys.Name, "victim");
        IActorRef echo = await EchoOf("victim");
        Assert.IsType<DirectActorRef>(echo);
        Assert.Equal("ping", await echo.Ask<string>("ping", TimeSpan.FromSeconds(30)));
        this.KillAndExpectTerminated(victim, echo);
        long before = Provider.DirectDeadLetters;
        echo.Tell("after", TestActor);
        AwaitCondition(() => Provider.DirectDeadLetters > before, TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task A_ref_to_an_actor_of_a_dead_incarnation_does_not_reach_its_successor()
    {
        IActorRef old;
        using (NodeProcess first = NodeProgram.StartDirect(Sys.Name, "phoenix"))
        {
            old = await EchoOf("phoenix");
            Assert.Equal(1, await old.Ask<int>(1, TimeSpan.FromSeconds(30)));
            first.Kill();
        }
        using NodeProcess second = NodeProgram.StartDirect(Sys.Name, "phoenix");
        IActorRef current = await EchoOf("phoenix");
        Assert.NotEqual(old.Path.Uid, current.Path.Uid);
        // The old ref names the old actor's uid: the new node refuses it (a dead letter there), as Akka's uid check does.
        old.Tell("to the dead", TestActor);
        Assert.Equal("to the living", await current.Ask<string>("to the living", TimeSpan.FromSeconds(30)));
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Pending_asks_to_a_node_that_is_killed_fail_as_node_down_not_at_their_timeout()
    {
        using NodeProcess victim = NodeProgram.StartDirect(Sys.Name, "asked");
        IActorRef echo = await EchoOf("asked");
        Assert.Equal("ping", await echo.Ask<string>("ping", TimeSpan.FromSeconds(30)));
        // Stopped, the node takes no ask: these wait in its ask channel, each holding a response slot, until the kill.
        victim.Pause();
        Task<string>[] pending = [.. Enumerable.Range(0, 20).Select(i => echo.Ask<string>($"ask {i}", TimeSpan.FromMinutes(5)))];
        victim.Kill();
        foreach (Task<string> ask in pending)
        {
            var down = await Assert.ThrowsAsync<AskTargetNodeDownException>(() => ask.WaitAsync(TimeSpan.FromMinutes(1)));
            Assert.Equal(echo.Path, down.Target);
        }
        // Asked once the node is gone, an ask fails at once the same way.
        await Assert.ThrowsAsync<AskTargetNodeDownException>(() => echo.Ask<string>("late", TimeSpan.FromMinutes(5)).WaitAsync(TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task A_replacement_node_takes_over_the_shm_mailbox_of_a_killed_one_with_the_message_in_hand()
    {
        IActorRef jobs;
        int firstPid;
        const int Queued = 200;
        using (NodeProcess first = NodeProgram.StartDirect(Sys.Name, "worker", blocking: true))
        {
            firstPid = first.Pid;
            jobs = await Sys.ActorSelection($"akka.shm://{Sys.Name}@worker:{SharedMemoryTransport.Port}/user/jobs").ResolveOne(TimeSpan.FromSeconds(30));
            jobs.Tell("block", TestActor);
            ExpectMsg($"block {firstPid}", TimeSpan.FromSeconds(30));
            first.AwaitFaultPoint("job-in-hand"); // its turn waits there with "block" in hand
            for (int i = 0; i < Queued; i++)
                jobs.Tell($"job {i}", TestActor); // straight into the ring: they wait there
            first.Kill();
        }
        // Written while no process serves the ring: it holds them for the next actor at the path.
        jobs.Tell($"job {Queued}", TestActor);
        using NodeProcess second = NodeProgram.StartDirect(Sys.Name, "worker");
        Assert.NotEqual(firstPid, second.Pid);
        ExpectMsg($"block {second.Pid}", TimeSpan.FromSeconds(30)); // the message in hand, delivered again (at-least-once)
        for (int i = 0; i <= Queued; i++)
            ExpectMsg($"job {i} {second.Pid}", TimeSpan.FromSeconds(30));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_node_stopped_at_a_fault_point_answers_nothing_until_resumed_and_then_goes_on_from_there()
    {
        using NodeProcess worker = NodeProgram.StartDirect(Sys.Name, "paused", blocking: true);
        IActorRef jobs = await Sys.ActorSelection($"akka.shm://{Sys.Name}@paused:{SharedMemoryTransport.Port}/user/jobs").ResolveOne(TimeSpan.FromSeconds(30));
        jobs.Tell("block", TestActor);
        ExpectMsg($"block {worker.Pid}", TimeSpan.FromSeconds(30));
        worker.PauseAt("job-in-hand"); // stopped in that turn, and let go on once resumed
        jobs.Tell("next", TestActor);
        ExpectNoMsg(TimeSpan.FromMilliseconds(500)); // every thread of it is stopped
        worker.Resume();
        ExpectMsg($"next {worker.Pid}", TimeSpan.FromSeconds(30));
        Assert.Contains("fault-point job-in-hand", worker.Output);
        Assert.True(worker.Leave(TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task A_ring_that_stays_full_never_blocks_a_Tell_and_every_message_is_delivered_or_counted()
    {
        using NodeProcess sleeper = NodeProgram.StartDirect(Sys.Name, "sleeper");
        IActorRef echo = await EchoOf("sleeper");
        IActorRef counter = Sys.ActorOf(Props.Create(() => new Counter()), "counter");
        Assert.Equal(0, await echo.Ask<int>(0, TimeSpan.FromSeconds(30)));
        long deadBefore = Provider.DirectDeadLetters;
        // Stopped, the node reads nothing: its inbox ring (8192 cells) fills, then the link's buffer (100,000), then
        // Tell gives up on each message at once, as a dead letter.
        sleeper.Pause();
        const int Sent = 120_000;
        try
        {
            for (int i = 0; i < Sent; i++)
                echo.Tell(i, counter);
        }
        finally
        {
            sleeper.Resume();
        }
        long dead = Provider.DirectDeadLetters - deadBefore;
        Assert.True(dead > 0, "the full ring and buffer refused nothing");
        await AwaitAssertAsync(async () => Assert.Equal(Sent, await counter.Ask<int>("count", TimeSpan.FromSeconds(10)) + dead), TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(100));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        ShmNodes.RemoveSegments(Sys.Name);
    }
}
