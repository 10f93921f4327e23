using System.Diagnostics;
using Shm.TestKit.MultiNode;
using Shm.TransportNode;
using Xunit.Abstractions;

namespace Shm.Transport.Tests;

/// <summary>Asks to a node in a child process that is killed with SIGKILL.</summary>
public sealed class AskProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_target_node_fails_a_thousand_pending_asks_with_NodeDownException_not_at_their_timeout()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        NodeProcess b = cluster.StartProcess("b", NodeProgram.Dll, "slots=2048", "role=answerer");
        cluster.AwaitMembers(a, "b");
        IActorRef answerer = a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/answerer"));
        Assert.Equal(4, await answerer.Ask<int>(new Square(2), TimeSpan.FromSeconds(30)));

        var pending = Enumerable.Range(0, 1000).Select(i => answerer.Ask<int>(new Hold(i), TimeSpan.FromMinutes(10))).ToArray();
        // Every one of them reached the actor (it holds them without replying).
        DateTime deadline = DateTime.UtcNow.AddSeconds(60);
        while (await answerer.Ask<int>(new HeldCount(), TimeSpan.FromSeconds(30)) < pending.Length)
            Assert.True(DateTime.UtcNow < deadline, "the held asks never all arrived");

        var clock = Stopwatch.StartNew();
        var firstFailed = new TaskCompletionSource<double>();
        var lastFailed = new TaskCompletionSource<double>();
        int ended = 0;
        foreach (Task<int> ask in pending)
        {
            _ = ask.ContinueWith(_ =>
            {
                firstFailed.TrySetResult(clock.Elapsed.TotalMilliseconds);
                if (Interlocked.Increment(ref ended) == pending.Length)
                    lastFailed.TrySetResult(clock.Elapsed.TotalMilliseconds);
            }, TaskScheduler.Default);
        }
        b.Kill();
        foreach (Task<int> ask in pending)
        {
            var error = await Assert.ThrowsAsync<NodeDownException>(() => ask);
            Assert.Equal("b", error.Node.Host);
        }
        output.WriteLine($"1000 pending asks failed {await firstFailed.Task:F1} (first) to {await lastFailed.Task:F1} ms (last) after the kill (their timeout: 10 minutes).");
        await Assert.ThrowsAsync<NodeDownException>(() => answerer.Ask<int>(new Square(3), TimeSpan.FromMinutes(10)));
    }
}
