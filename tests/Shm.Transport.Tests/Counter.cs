using Akka.Actor;

namespace Shm.Transport.Tests;

/// <summary>Counts what it is told; answers "count" with the number.</summary>
internal sealed class Counter : ReceiveActor
{
    public Counter()
    {
        int count = 0;
        Receive<string>(message => message == "count", _ => Sender.Tell(count));
        ReceiveAny(_ => count++);
    }
}
