using Shm.Actors;
using Shm.Transport;
using Shm.TransportNode;

// A node process for the transport tests (MultiNodeCluster.StartProcess): joins SYSTEM as NODE (segments in DIR),
// starts an "echo" actor (see Echo) and every role named, prints "ready", and terminates its system when stdin closes.
//   Shm.TransportNode SYSTEM NODE DIR [buffer=OUTBOUND_BUFFER_MESSAGES] [slots=ASK_RESPONSE_SLOTS] [role=NAME[:ARGUMENT]]...
// Roles are registered by the files that define them (NodeRoles.Register in a module initializer).
var options = new ShmTransportOptions { NodeName = args[1], SegmentDirectory = args[2] };
var roles = new List<(string Name, string Argument)>();
foreach (string option in args.Skip(3))
{
    if (option.StartsWith("buffer=", StringComparison.Ordinal))
    {
        options.OutboundBufferMessages = int.Parse(option["buffer=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
    else if (option.StartsWith("slots=", StringComparison.Ordinal))
    {
        options.AskResponseSlots = int.Parse(option["slots=".Length..], System.Globalization.CultureInfo.InvariantCulture);
    }
    else if (option.StartsWith("role=", StringComparison.Ordinal))
    {
        string role = option["role=".Length..];
        int colon = role.IndexOf(':');
        roles.Add(colon < 0 ? (role, "") : (role[..colon], role[(colon + 1)..]));
    }
    else
    {
        throw new ArgumentException($"Unknown option '{option}' (expected buffer=N, slots=N or role=NAME[:ARGUMENT]).");
    }
}
using ActorSystem system = ActorSystem.Create(args[0], ActorSystemSettings.Default.WithShmTransport(options));
system.ActorOf(Props.Create(() => new Echo()), "echo");
foreach ((string name, string argument) in roles)
    NodeRoles.Start(name, system, argument);
Console.WriteLine("ready");
Console.In.ReadToEnd();
await system.Terminate();
return 0;
