using Shm.Actors;
using Shm.Transport;

// A node process for the transport tests: joins SYSTEM as NODE (segments in DIR), starts an "echo" actor that
// answers every message to its sender, prints "ready", and terminates its system when stdin closes.
//   Shm.TransportNode SYSTEM NODE DIR
var options = new ShmTransportOptions { NodeName = args[1], SegmentDirectory = args[2] };
using ActorSystem system = ActorSystem.Create(args[0], ActorSystemSettings.Default.WithShmTransport(options));
system.ActorOf(Props.Create(() => new Echo()), "echo");
Console.WriteLine("ready");
Console.In.ReadToEnd();
await system.Terminate();
return 0;

/// <summary>Answers every message with itself.</summary>
internal sealed class Echo : ReceiveActor
{
    public Echo() => ReceiveAny(message => Sender.Tell(message, Self));
}
