using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport;
using Google.Protobuf;
using Shm.RemoteNode;
using Shm.TestKit;
using Shm.Transport.Remote;
using Xunit.Abstractions;

namespace Shm.Transport.Tests;

/// <summary>Akka.Remote over shm against a node in a child process that is really killed (SIGKILL) or stopped (SIGSTOP).</summary>
[Collection(ChildProcesses.Collection)]
public sealed class DeathWatchProcessTests : Akka.TestKit.Xunit2.TestKit
{
    private static int s_counter;
    private readonly ITestOutputHelper _output;

    public DeathWatchProcessTests(ITestOutputHelper output) : this(output, $"shmtest-{Environment.ProcessId}-dw{Interlocked.Increment(ref s_counter)}")
    {
    }

    private DeathWatchProcessTests(ITestOutputHelper output, string system) : base(NodeConfig.Remote("watcher"), system, output)
    {
        _output = output;
    }

    private string SystemName => Sys.Name;

    private async Task<IActorRef> EchoOf(string node) =>
        await Sys.ActorSelection($"akka.shm://{SystemName}@{node}:{SharedMemoryTransport.Port}/user/echo").ResolveOne(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Killing_a_watched_node_delivers_Terminated_with_AddressTerminated()
    {
        using NodeProcess victim = NodeProgram.StartRemote(SystemName, "victim");
        IActorRef echo = await EchoOf("victim");
        Assert.Equal("ping", await echo.Ask<string>("ping", TimeSpan.FromSeconds(30)));
        Watch(echo);
        var clock = Stopwatch.StartNew();
        victim.Kill();
        Terminated terminated = ExpectTerminated(echo, TimeSpan.FromSeconds(60));
        _output.WriteLine($"kill -9 to Terminated: {clock.Elapsed.TotalMilliseconds:F1} ms");
        Assert.True(terminated.AddressTerminated);
        Assert.True(terminated.ExistenceConfirmed);
    }

    [Fact]
    public async Task A_stopped_node_is_judged_by_heartbeats_and_not_declared_dead_for_a_pause()
    {
        using NodeProcess sleeper = NodeProgram.StartRemote(SystemName, "sleeper");
        IActorRef echo = await EchoOf("sleeper");
        Watch(echo);
        sleeper.Pause();
        try
        {
            // Alive but stopped for 3 s, well within the heartbeat pause Akka accepts (10 s): no Terminated.
            ExpectNoMsg(TimeSpan.FromSeconds(3));
        }
        finally
        {
            sleeper.Resume();
        }
        Assert.Equal("awake", await echo.Ask<string>("awake", TimeSpan.FromSeconds(30)));
        Unwatch(echo);
    }

    [Fact]
    public async Task Killing_a_peer_disassociates_its_transport_handles()
    {
        using NodeProcess victim = NodeProgram.StartRemote(SystemName, "peer");
        // A transport of its own beside the test system's, so the handle is seen below Akka.Remote.
        using ActorSystem local = ActorSystem.Create(SystemName, "akka.loglevel = ERROR");
        var transport = new SharedMemoryTransport(local, ConfigurationFactory.ParseString("hostname = probe"));
        try
        {
            (_, TaskCompletionSource<IAssociationEventListener> promise) = await transport.Listen();
            promise.SetResult(new EventCollector());
            AssociationHandle handle = await transport.Associate(new Address("shm", SystemName, "peer", SharedMemoryTransport.Port));
            var events = new EventCollector();
            handle.ReadHandlerSource.SetResult(events);
            var clock = Stopwatch.StartNew();
            victim.Kill();
            events.Take<Disassociated>();
            _output.WriteLine($"kill -9 to Disassociated: {clock.Elapsed.TotalMilliseconds:F1} ms");
            Assert.False(handle.Write(ByteString.CopyFromUtf8("after")));
        }
        finally
        {
            await transport.Shutdown();
        }
    }

    [Fact]
    public async Task A_node_that_leaves_cleanly_is_terminated_for_its_watchers()
    {
        using NodeProcess leaver = NodeProgram.StartRemote(SystemName, "leaver");
        IActorRef echo = await EchoOf("leaver");
        Watch(echo);
        Assert.True(leaver.Leave(TimeSpan.FromSeconds(60)));
        // Stopped by its system's shutdown (a DeathWatch notification) or found gone (address terminated): either way, once.
        ExpectTerminated(echo, TimeSpan.FromSeconds(60));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        ShmNodes.RemoveSegments(SystemName);
    }
}
