using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Shm.RemoteNode;
using Shm.TestKit;
using Shm.Transport.Remote;
using Xunit.Abstractions;

namespace Shm.Transport.Tests;

/// <summary>
/// Akka.Cluster, unchanged, over akka.remote.shm: three OS processes (this one, the seed, and two children) form a
/// cluster, broadcast through Akka.Cluster.Tools' DistributedPubSub, and remove a member that is killed with SIGKILL.
/// </summary>
[Collection(ChildProcesses.Collection)]
public sealed class ClusterProcessTests(ITestOutputHelper output) : ClusterOfThreeProcesses(output, direct: false);

/// <summary>The same cluster with the direct-path cluster provider: members reach each other straight through their rings.</summary>
[Collection(ChildProcesses.Collection)]
public sealed class DirectClusterProcessTests(ITestOutputHelper output) : ClusterOfThreeProcesses(output, direct: true);

/// <summary>The three-process cluster test, with Akka's cluster provider or the direct-path one.</summary>
public abstract class ClusterOfThreeProcesses : Akka.TestKit.Xunit2.TestKit
{
    private static int s_counter;
    private readonly ITestOutputHelper _output;
    private readonly bool _direct;

    protected ClusterOfThreeProcesses(ITestOutputHelper output, bool direct) : this(output, direct, $"shmtest-{Environment.ProcessId}-cl{Interlocked.Increment(ref s_counter)}")
    {
    }

    private ClusterOfThreeProcesses(ITestOutputHelper output, bool direct, string system) : base(NodeConfig.Cluster(system, "seed", "seed", direct), system, output)
    {
        _output = output;
        _direct = direct;
    }

    [Fact]
    public async Task A_cluster_of_three_processes_broadcasts_and_removes_a_killed_member()
    {
        Cluster cluster = Cluster.Get(Sys);
        var up = new TaskCompletionSource();
        cluster.RegisterOnMemberUp(() => up.TrySetResult());
        await up.Task.WaitAsync(TimeSpan.FromSeconds(60));
        using NodeProcess n1 = NodeProgram.StartClusterMember(Sys.Name, "n1", "seed", _direct);
        using NodeProcess n2 = NodeProgram.StartClusterMember(Sys.Name, "n2", "seed", _direct);
        AwaitCondition(() => cluster.State.Members.Count(m => m.Status == MemberStatus.Up) == 3, TimeSpan.FromSeconds(60));

        // Subscriptions reach the publisher's mediator by gossip: publish until both members have answered one event.
        IActorRef mediator = DistributedPubSub.Get(Sys).Mediator;
        var answered = new HashSet<string>();
        AwaitAssert(() =>
        {
            mediator.Tell(new Publish("news", "hello"), TestActor);
            foreach (object reply in ReceiveWhile(TimeSpan.FromMilliseconds(300), message => message))
            {
                answered.Add(Assert.IsType<string>(reply));
                Assert.Equal(_direct, LastSender is DirectActorRef); // the subscriber answered through its ring, or Akka.Remote
            }
            Assert.Equal(["n1:hello", "n2:hello"], answered.Order());
        }, TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(10));

        ReceiveWhile(TimeSpan.FromMilliseconds(500), message => message); // any late replies
        (TimeSpan toUnreachable, TimeSpan toRemoved) = this.KillAndExpectMemberRemoved(n2, new Address("akka.shm", Sys.Name, "n2", SharedMemoryTransport.Port));
        _output.WriteLine($"kill -9 to unreachable: {toUnreachable.TotalMilliseconds:F0} ms, to removed: {toRemoved.TotalMilliseconds:F0} ms");

        // The survivors go on: a publish now reaches n1 alone.
        mediator.Tell(new Publish("news", "after"), TestActor);
        FishForMessage<string>(reply => reply == "n1:after", TimeSpan.FromSeconds(30));
        ExpectNoMsg(TimeSpan.FromMilliseconds(500));
        Assert.True(n1.Leave(TimeSpan.FromSeconds(60)));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        ShmNodes.RemoveSegments(Sys.Name);
    }
}
