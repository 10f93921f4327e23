using Shm.TestKit.MultiNode;
using Shm.TransportNode;

namespace Shm.Transport.Tests;

/// <summary>Ask across nodes (in this process: each node its own system) over the target node's ask channel.</summary>
public sealed class AskTests
{
    private static (MultiNodeCluster Cluster, ActorSystem Asker, ActorSystem Target, IActorRef Answerer) Start(Action<ShmTransportOptions>? configureTarget = null)
    {
        var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b", configureTarget);
        b.ActorOf(Props.Create(() => new Answerer()), "answerer");
        cluster.AwaitMembers(a, "b");
        return (cluster, a, b, a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/answerer")));
    }

    [Fact]
    public async Task An_ask_gets_its_typed_reply_and_the_target_sees_a_reply_ref_as_Sender()
    {
        var (cluster, _, _, answerer) = Start();
        using (cluster)
        {
            Assert.Equal(49, await answerer.Ask<int>(new Square(7), TimeSpan.FromSeconds(30)));
            Assert.Equal("hi", await answerer.Ask<string>("hi", TimeSpan.FromSeconds(30)));
            object reply = await answerer.Ask(new Square(3), TimeSpan.FromSeconds(30));
            Assert.Equal(9, reply);
            // Many asks at once, each answered with its own reply.
            var asks = Enumerable.Range(0, 500).Select(i => answerer.Ask<int>(new Square(i), TimeSpan.FromSeconds(60))).ToArray();
            int[] squares = await Task.WhenAll(asks);
            Assert.Equal(Enumerable.Range(0, 500).Select(i => i * i), squares);
        }
    }

    [Fact]
    public async Task A_failure_reply_faults_the_ask_with_the_remote_exception_type_and_message()
    {
        var (cluster, _, _, answerer) = Start();
        using (cluster)
        {
            var error = await Assert.ThrowsAsync<InvalidOperationException>(() => answerer.Ask<int>(new Fail("no such order"), TimeSpan.FromSeconds(30)));
            Assert.Equal("no such order", error.Message);
            // An ask for Status.Failure itself gets it as the result.
            var failure = await answerer.Ask<Status.Failure>(new Fail("as a value"), TimeSpan.FromSeconds(30));
            Assert.Equal("as a value", failure.Cause.Message);
        }
    }

    [Fact]
    public async Task A_reply_of_the_wrong_type_faults_the_ask_naming_both_types()
    {
        var (cluster, _, _, answerer) = Start();
        using (cluster)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => answerer.Ask<int>("not a number", TimeSpan.FromSeconds(30)));
            Assert.Contains("Int32", error.Message);
            Assert.Contains("String", error.Message);
        }
    }

    [Fact]
    public async Task No_reply_times_out_a_cancelled_token_cancels_and_a_late_reply_is_rejected_and_counted()
    {
        var (cluster, asker, target, answerer) = Start();
        using (cluster)
        {
            var timeout = await Assert.ThrowsAsync<AskTimeoutException>(() => answerer.Ask<int>(new Hold(1), TimeSpan.FromMilliseconds(200)));
            Assert.Contains("Timeout after", timeout.Message);

            using var cancel = new CancellationTokenSource();
            Task<int> cancelled = answerer.Ask<int>(new Hold(2), cancel.Token);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

            // The answer comes after the asker gave up: the slot's generation rejects it, and it is counted.
            await Assert.ThrowsAsync<AskTimeoutException>(() => answerer.Ask<int>(new ReplyLater(5, 300), TimeSpan.FromMilliseconds(50)));
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            while (ShmTransport.StatsOf(target).LateAskReplies == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, "the late reply was never counted");
                await Task.Delay(10);
            }
            Assert.Equal(1, ShmTransport.StatsOf(target).LateAskReplies);
            // The slot was freed: asks keep working.
            Assert.Equal(4, await answerer.Ask<int>(new Square(2), TimeSpan.FromSeconds(30)));
        }
    }

    [Fact]
    public async Task A_reply_larger_than_the_slot_faults_the_ask_with_the_size_and_the_limit()
    {
        var (cluster, _, _, answerer) = Start(o => o.MaxAskReplyBytes = 4096);
        using (cluster)
        {
            var error = await Assert.ThrowsAsync<ArgumentException>(() => answerer.Ask<byte[]>(new Big(10_000), TimeSpan.FromSeconds(30)));
            Assert.Contains("MaxAskReplyBytes is 4096", error.Message);
            Assert.Equal(100, (await answerer.Ask<byte[]>(new Big(100), TimeSpan.FromSeconds(30))).Length);
        }
    }

    [Fact]
    public async Task Ten_thousand_concurrent_asks_complete_through_a_few_hundred_slots_without_a_thread_each()
    {
        var (cluster, _, _, answerer) = Start(o => o.AskResponseSlots = 64);
        using (cluster)
        {
            int threadsBefore = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
            var asks = new Task<int>[10_000];
            for (int i = 0; i < asks.Length; i++)
                asks[i] = answerer.Ask<int>(new Square(i % 1000), TimeSpan.FromMinutes(2));
            int threadsDuring = System.Diagnostics.Process.GetCurrentProcess().Threads.Count;
            int[] results = await Task.WhenAll(asks);
            for (int i = 0; i < results.Length; i++)
                Assert.Equal(i % 1000 * (i % 1000), results[i]);
            Assert.True(threadsDuring - threadsBefore < 100, $"{threadsDuring - threadsBefore} threads were added for 10,000 asks");
        }
    }

    [Fact]
    public async Task A_quick_actor_answers_on_the_ask_thread_and_a_slow_one_is_handed_to_the_thread_pool()
    {
        var (cluster, _, _, answerer) = Start();
        using (cluster)
        {
            // Idle and quick: its turn runs on the target node's ask thread (no thread-pool hand-off). Retried: the
            // actor's own start-up turn may still be running on the pool when the first ask arrives.
            bool inline = false;
            for (int i = 0; i < 50 && !inline; i++)
                inline = await answerer.Ask<string>(new WhereAmI(0), TimeSpan.FromSeconds(30)) == "Shm asks b";
            Assert.True(inline, "no quick ask ran on the ask thread");
            // Slow turns raise the server's average past its limit within two timed turns: from then on turns go to
            // the pool, so one slow actor does not hold up the asks to the others.
            var threads = new List<string>();
            for (int i = 0; i < 4 * Driver.QuickTurns.SampleEvery; i++)
                threads.Add(await answerer.Ask<string>(new WhereAmI(2000), TimeSpan.FromSeconds(30)));
            Assert.Equal("Shm asks b", threads[0]);
            Assert.All(threads.Skip(2 * Driver.QuickTurns.SampleEvery), thread => Assert.NotEqual("Shm asks b", thread));
        }
    }

    [Fact]
    public async Task An_ask_to_a_node_that_is_not_up_fails_at_once_with_NodeDownException()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        IActorRef nowhere = a.Provider.ResolveActorRef(cluster.PathOf("nobody", "/user/x"));
        var error = await Assert.ThrowsAsync<NodeDownException>(() => nowhere.Ask<int>(new Square(1), TimeSpan.FromMinutes(5)));
        Assert.Equal("nobody", error.Node.Host);
    }

    [Fact]
    public async Task An_ask_with_a_message_factory_is_refused_with_a_clear_error()
    {
        var (cluster, _, _, answerer) = Start();
        using (cluster)
        {
            var error = await Assert.ThrowsAsync<NotSupportedException>(() => answerer.Ask<int>(replyTo => new Square(2), TimeSpan.FromSeconds(5), CancellationToken.None));
            Assert.Contains("Ask(message)", error.Message);
        }
    }
}
