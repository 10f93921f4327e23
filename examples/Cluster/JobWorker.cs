using System.Runtime.CompilerServices;
using Akka.Actor;

namespace Shm.Examples.Cluster;

/// <summary>Does each job's work and reports it to the sender; a fence is answered once everything queued before it is done.</summary>
internal sealed class JobWorker : ReceiveActor
{
    public JobWorker(string node, StrongBox<long> processed)
    {
        Receive<Job>(job =>
        {
            long checksum = Work.Do(job.Id, job.WorkMicroseconds);
            Interlocked.Increment(ref processed.Value);
            Sender.Tell(new JobDone(job.Id, node, checksum));
        });
        Receive<Fence>(fence => Sender.Tell(new FenceDone(fence.Token, node)));
    }
}
