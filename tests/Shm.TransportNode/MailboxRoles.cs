using System.Diagnostics;
using System.Runtime.CompilerServices;
using Shm.Actors;
using Shm.Transport.Mailboxes;

namespace Shm.TransportNode;

/// <summary>A job for the job actor: work on it (about <paramref name="WorkMicroseconds"/>), then tell <paramref name="ReportTo"/> <see cref="JobDone"/>.</summary>
public sealed record Job(int Number, IActorRef ReportTo, int WorkMicroseconds = 0);

/// <summary>Job <paramref name="Number"/> was processed by the process <paramref name="Pid"/>.</summary>
public sealed record JobDone(int Number, int Pid);

/// <summary>Processes jobs in order from its shm mailbox (role "jobs": deployed at /user/jobs).</summary>
public sealed class JobActor : ReceiveActor
{
    public JobActor()
    {
        Receive<Job>(job =>
        {
            long until = Stopwatch.GetTimestamp() + job.WorkMicroseconds * Stopwatch.Frequency / 1_000_000;
            while (Stopwatch.GetTimestamp() < until)
                Thread.SpinWait(20);
            job.ReportTo.Tell(new JobDone(job.Number, Environment.ProcessId));
        });
    }

    [ModuleInitializer]
    internal static void Register() =>
        NodeRoles.Register("jobs", (system, _) => system.ActorOf(Props.Create(() => new JobActor()).WithMailbox(ShmMailbox.Id), "jobs"));
}
