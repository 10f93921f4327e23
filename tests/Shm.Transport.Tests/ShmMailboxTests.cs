using System.Collections.Concurrent;
using Shm.TestKit.MultiNode;
using Shm.Transport.Mailboxes;
using Shm.TransportNode;

namespace Shm.Transport.Tests;

/// <summary>The shm mailbox: an actor's own ring, written straight by senders anywhere, surviving its owner.</summary>
public sealed class ShmMailboxTests
{
    [Fact]
    public void Local_and_remote_senders_reach_the_actor_in_order_with_their_sender()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        var (collector, inbox) = Collector.Start(a, "collector");
        b.ActorOf(Props.Create(() => new JobActor()).WithMailbox(ShmMailbox.Id), "jobs");
        cluster.AwaitMembers(a, "b");
        Assert.Contains(cluster.Segments(), path => path.EndsWith(".b.mbox~user~jobs", StringComparison.Ordinal));

        IActorRef jobs = a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/jobs"));
        for (int i = 0; i < 1000; i++)
            jobs.Tell(new Job(i, collector));
        for (int i = 0; i < 1000; i++)
            Assert.Equal(i, inbox.Next<JobDone>().Number);

        IActorRef local = b.Provider.ResolveActorRef(cluster.PathOf("b", "/user/jobs"));
        local.Tell(new Job(1000, b.Provider.ResolveActorRef(collector.Path.ToSerializationFormat())));
        Assert.Equal(1000, inbox.Next<JobDone>().Number);
    }

    [Fact]
    public void Messages_sent_while_no_actor_runs_at_the_path_wait_in_the_ring_and_the_next_actor_there_gets_them()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        var (collector, inbox) = Collector.Start(a, "collector");
        IActorRef first = b.ActorOf(Props.Create(() => new JobActor()).WithMailbox(ShmMailbox.Id), "jobs");
        cluster.AwaitMembers(a, "b");
        IActorRef jobs = a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/jobs"));
        jobs.Tell(new Job(0, collector));
        Assert.Equal(0, inbox.Next<JobDone>().Number);

        Assert.True(first.GracefulStop(TimeSpan.FromSeconds(30)).Result);
        for (int i = 1; i <= 100; i++)
            jobs.Tell(new Job(i, collector)); // into the ring: no actor reads it now
        Assert.False(inbox.TryTake(out _, TimeSpan.FromMilliseconds(200)));

        b.ActorOf(Props.Create(() => new JobActor()).WithMailbox(ShmMailbox.Id), "jobs");
        for (int i = 1; i <= 100; i++)
            Assert.Equal(i, inbox.Next<JobDone>().Number);
    }

    [Fact]
    public void Killing_the_owner_with_ten_thousand_queued_loses_at_most_the_message_in_hand_and_the_restarted_owner_processes_the_rest_in_order()
    {
        const int jobs = 10_000;
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        var (collector, inbox) = Collector.Start(a, "collector");
        NodeProcess first = cluster.StartProcess("b", NodeProgram.Dll, "role=jobs");
        cluster.AwaitMembers(a, "b");
        IActorRef queue = a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/jobs"));
        for (int i = 0; i < jobs; i++)
            queue.Tell(new Job(i, collector, WorkMicroseconds: 200));

        // Let the first owner work through some, then kill it mid-stream.
        var done = new List<JobDone>();
        while (done.Count < 300)
            done.Add(inbox.Next<JobDone>());
        first.Kill();

        // Reports of the first owner may still be on their way: everything up to the new owner's last job is sorted
        // by the process that sent it, rather than waiting for a quiet moment.
        NodeProcess second = cluster.StartProcess("b", NodeProgram.Dll, "role=jobs");
        var after = new List<JobDone>();
        while (after.Count == 0 || after[^1].Number < jobs - 1)
        {
            JobDone report = inbox.Next<JobDone>(seconds: 120);
            Assert.Contains(report.Pid, new[] { first.Pid, second.Pid });
            (report.Pid == first.Pid ? done : after).Add(report);
        }
        Assert.All(done, d => Assert.Equal(first.Pid, d.Pid));
        Assert.Equal(Enumerable.Range(0, done.Count), done.Select(d => d.Number)); // in order, none twice
        int lastBeforeKill = done[^1].Number;
        Assert.True(lastBeforeKill < jobs - 1000, "the owner was killed with thousands of jobs still queued");
        Assert.All(after, d => Assert.Equal(second.Pid, d.Pid));
        int resumedAt = after[0].Number;
        // At most the job in hand at the kill is lost: the restarted owner resumes right after the last reported job,
        // or one later; from there every job arrives once, in order.
        Assert.InRange(resumedAt, lastBeforeKill + 1, lastBeforeKill + 2);
        Assert.Equal(Enumerable.Range(resumedAt, jobs - resumedAt), after.Select(d => d.Number));
    }
}
