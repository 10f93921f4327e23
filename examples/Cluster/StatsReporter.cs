using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akka.Actor;

namespace Shm.Examples.Cluster;

/// <summary>Answers <see cref="GetStats"/>: over shm the ask rides a response slot of this node, over TCP Akka's temporary ref.</summary>
internal sealed class StatsReporter : ReceiveActor
{
    public StatsReporter(string node, StrongBox<long> processed, long incarnation) =>
        Receive<GetStats>(_ => Sender.Tell(new WorkerStats(node, Interlocked.Read(ref processed.Value), incarnation,
            Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds)));
}
