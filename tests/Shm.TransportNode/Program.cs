using Shm.Actors;
using Shm.Transport;
using Shm.TransportNode;

// A node process for the transport tests (MultiNodeCluster.StartProcess): joins SYSTEM as NODE (segments in DIR),
// starts an "echo" actor (see Echo), prints "ready", and terminates its system when stdin closes.
//   Shm.TransportNode SYSTEM NODE DIR [OUTBOUND_BUFFER_MESSAGES]
var options = new ShmTransportOptions { NodeName = args[1], SegmentDirectory = args[2] };
if (args.Length > 3)
    options.OutboundBufferMessages = int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
using ActorSystem system = ActorSystem.Create(args[0], ActorSystemSettings.Default.WithShmTransport(options));
system.ActorOf(Props.Create(() => new Echo()), "echo");
Console.WriteLine("ready");
Console.In.ReadToEnd();
await system.Terminate();
return 0;
