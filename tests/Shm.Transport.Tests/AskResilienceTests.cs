using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Shm.TestKit.MultiNode;
using Shm.Transport.Resilience;
using Shm.TransportNode;

namespace Shm.Transport.Tests;

/// <summary>Asks through Polly: retry across a node restart, a circuit per node that opens and closes.</summary>
public sealed class AskResilienceTests
{
    [Fact]
    public async Task A_retried_ask_succeeds_across_a_kill_and_restart_of_the_target_node()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        var (collector, inbox) = Collector.Start(a, "events");
        a.EventStream.Subscribe<MemberUp>(collector);
        a.EventStream.Subscribe<MemberDown>(collector);
        NodeProcess first = cluster.StartProcess("b", NodeProgram.Dll, "role=answerer");
        inbox.Next<MemberUp>(u => u.Address.Host == "b");
        IActorRef answerer = a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/answerer"));
        using var resilience = new AskResilience(new AskResilienceOptions
        {
            Retry = new RetryStrategyOptions { MaxRetryAttempts = 300, Delay = TimeSpan.FromMilliseconds(100), BackoffType = DelayBackoffType.Constant },
            CircuitBreaker = null,
            AttemptTimeout = TimeSpan.FromSeconds(10),
        });
        Assert.Equal(9, await answerer.Ask<int>(new Square(3), resilience));

        first.Kill();
        inbox.Next<MemberDown>(d => d.Address.Host == "b");
        int attempts = 0;
        var retried = new AskResilience(new AskResilienceOptions
        {
            Retry = new RetryStrategyOptions
            {
                MaxRetryAttempts = 300,
                Delay = TimeSpan.FromMilliseconds(100),
                BackoffType = DelayBackoffType.Constant,
                // Down while b restarts; a timeout when the ask reaches the new b before its answerer exists (a dead letter).
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is NodeDownException or AskTimeoutException),
                OnRetry = _ => { Interlocked.Increment(ref attempts); return default; },
            },
            CircuitBreaker = null,
            AttemptTimeout = TimeSpan.FromSeconds(1),
        });
        using (retried)
        {
            // The ask starts while b is down: its first attempts fail with NodeDownException and are retried.
            Task<int> ask = answerer.Ask<int>(new Square(4), retried);
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            while (Volatile.Read(ref attempts) == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the ask was never retried");
                await Task.Delay(10);
            }
            cluster.StartProcess("b", NodeProgram.Dll, "role=answerer");
            Assert.Equal(16, await ask.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.True(attempts >= 1);
        }
    }

    [Fact]
    public async Task The_circuit_of_a_down_node_opens_fails_fast_and_closes_once_the_node_answers()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        IActorRef answerer = a.Provider.ResolveActorRef(cluster.PathOf("c", "/user/answerer"));
        IActorRef other = a.Provider.ResolveActorRef(cluster.PathOf("d", "/user/answerer"));
        using var resilience = new AskResilience(new AskResilienceOptions
        {
            Retry = null,
            CircuitBreaker = new CircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 2,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromMilliseconds(500),
                ShouldHandle = args => new ValueTask<bool>(args.Outcome.Exception is NodeDownException),
            },
        });
        Address c = answerer.Path.Address;
        Assert.Equal(CircuitState.Closed, resilience.CircuitStateOf(c));
        await Assert.ThrowsAsync<NodeDownException>(() => answerer.Ask<int>(new Square(1), resilience));
        await Assert.ThrowsAsync<NodeDownException>(() => answerer.Ask<int>(new Square(1), resilience));
        Assert.Equal(CircuitState.Open, resilience.CircuitStateOf(c));
        await Assert.ThrowsAsync<BrokenCircuitException>(() => answerer.Ask<int>(new Square(1), resilience));
        // Another node's circuit is its own.
        Assert.Equal(CircuitState.Closed, resilience.CircuitStateOf(other.Path.Address));

        ActorSystem node = cluster.StartNode("c");
        node.ActorOf(Props.Create(() => new Answerer()), "answerer");
        cluster.AwaitMembers(a, "c");
        // Once the break is over, a trial ask goes through and closes the circuit.
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                Assert.Equal(25, await answerer.Ask<int>(new Square(5), resilience));
                break;
            }
            catch (BrokenCircuitException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
        Assert.Equal(CircuitState.Closed, resilience.CircuitStateOf(c));
    }

    [Fact]
    public void Invalid_options_are_named()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new AskResilience(new AskResilienceOptions { AttemptTimeout = TimeSpan.Zero }));
        Assert.Equal("AttemptTimeout", error.ParamName);
    }
}
