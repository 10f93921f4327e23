using System.Diagnostics;
using System.Runtime.CompilerServices;
using Shm.Actors;
using Shm.Transport;
using Shm.Transport.Mailboxes;
using Shm.Transport.PubSub;

namespace Shm.Examples.Cluster;

/// <summary>
/// A worker process: joins the system as its node, runs the job actor (its mailbox is a shm ring, so queued jobs
/// survive a kill -9 of this process and the replacement continues with them), a stats actor the coordinator asks,
/// and publishes its progress on the "progress" topic. Exits when the coordinator closes its standard input.
/// </summary>
internal static class WorkerNode
{
    public static int Run(string systemName, string node, TimeSpan startDelay)
    {
        var options = new ShmTransportOptions { NodeName = node };
        using ActorSystem system = ActorSystem.Create(systemName, ActorSystemSettings.Default.WithShmTransport(options) with
        {
            RunCoordinatedShutdownOnProcessExit = false,
        });
        if (startDelay > TimeSpan.Zero)
            Thread.Sleep(startDelay); // --worker-start-delay: a slow start, simulated (joined, actors not there yet)
        var processed = new StrongBox<long>();
        system.ActorOf(Props.Create(() => new JobWorker(node, processed)).WithMailbox(ShmMailbox.Id), "jobs");
        system.ActorOf(Props.Create(() => new StatsReporter(node, processed, ShmTransport.StatsOf(system).Incarnation)), "stats");
        system.ActorOf(Props.Create(() => new ProgressPublisher(node, processed, DistributedPubSub.Get(system).Mediator)), "progress");
        Console.WriteLine("ready");
        Console.In.ReadToEnd(); // the coordinator closes it (or dies, which closes it too)
        system.Terminate().Wait(TimeSpan.FromSeconds(30));
        return 0;
    }

    /// <summary>Does each job's work and reports it; a fence is answered once everything queued before it is done.</summary>
    private sealed class JobWorker : ReceiveActor
    {
        public JobWorker(string node, StrongBox<long> processed)
        {
            Receive<Job>(job =>
            {
                long checksum = Work.Do(job.Id, job.WorkMicroseconds);
                Interlocked.Increment(ref processed.Value);
                job.ReportTo.Tell(new JobDone(job.Id, node, checksum), Self);
            });
            Receive<Fence>(fence => fence.ReportTo.Tell(new FenceDone(fence.Token, node), Self));
        }
    }

    /// <summary>Answers <see cref="GetStats"/> (asked over the node's ask channel).</summary>
    private sealed class StatsReporter : ReceiveActor
    {
        public StatsReporter(string node, StrongBox<long> processed, long incarnation) =>
            Receive<GetStats>(_ => Sender.Tell(new WorkerStats(node, Interlocked.Read(ref processed.Value), incarnation,
                Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds)));
    }

    /// <summary>Publishes this worker's progress on the "progress" topic every 100 ms.</summary>
    private sealed class ProgressPublisher : ReceiveActor, IWithTimers
    {
        private sealed record Tick;

        public ITimerScheduler Timers { get; set; } = null!;

        public ProgressPublisher(string node, StrongBox<long> processed, IActorRef mediator) =>
            Receive<Tick>(_ => mediator.Tell(new Publish("progress", new WorkerProgress(node, Interlocked.Read(ref processed.Value)))));

        protected override void PreStart() => Timers.StartPeriodicTimer("tick", new Tick(), TimeSpan.FromMilliseconds(100));
    }
}

/// <summary>The CPU work of a job: a hash chain of about the requested length (deterministic per id and length).</summary>
internal static class Work
{
    public static long Do(int id, int microseconds)
    {
        ulong x = (ulong)id * 0x9E3779B97F4A7C15UL + 1;
        long rounds = microseconds * 100L;
        for (long i = 0; i < rounds; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
        }
        return (long)x;
    }
}
