using Akka.Actor;
using Akka.Cluster;
using Akka.Cluster.Tools.PublishSubscribe;
using Shm.RemoteNode;
using Shm.TestKit;

// Shm.RemoteNode SYSTEM NODE remote             an Akka.Remote node over akka.remote.shm with /user/echo
// Shm.RemoteNode SYSTEM NODE direct [blocking]  the same with the direct-path provider, and /user/jobs on an shm
//                                              mailbox (with "blocking", its first "block" waits in its turn at
//                                              the fault point "job-in-hand")
// Shm.RemoteNode SYSTEM NODE cluster SEED       the same as an Akka.Cluster member subscribed to the topic "news"
// Shm.RemoteNode SYSTEM NODE cluster-direct SEED  the same with the direct-path cluster provider
// Shm.RemoteNode SYSTEM NODE subscriber         direct, and /user/subscriber subscribed to the shm topic "news"
//                                              (answers "NODE:EVENT" to each publisher, "NODE:lost:N" for a gap)
// Shm.RemoteNode SYSTEM NODE publisher          direct, and publishes 0, 1, 2… to the shm topic "ticks" until killed
// Says "ready" once it serves, and leaves cleanly when its standard input closes (Shm.TestKit's NodeControl).
bool cluster = args.Length >= 3 && args[2] is "cluster" or "cluster-direct";
if (args.Length < 3 || args[2] is not ("remote" or "direct" or "cluster" or "cluster-direct" or "subscriber" or "publisher") || cluster && args.Length < 4)
{
    Console.Error.WriteLine("usage: Shm.RemoteNode SYSTEM NODE remote|direct|subscriber|publisher | SYSTEM NODE cluster|cluster-direct SEED");
    return 2;
}
string system = args[0], node = args[1];
// Standard output carries NodeControl's protocol; Akka's log lines, which it writes to the console, go to standard error.
Task left = NodeControl.Left;
using ActorSystem actors = ActorSystem.Create(system, args[2] switch
{
    "cluster" => NodeConfig.Cluster(system, node, args[3]),
    "cluster-direct" => NodeConfig.Cluster(system, node, args[3], direct: true),
    "direct" or "subscriber" or "publisher" => NodeConfig.Direct(node),
    _ => NodeConfig.Remote(node),
});
actors.ActorOf(Props.Create(() => new Echo()), "echo");
if (args[2] == "direct")
{
    bool blocking = args.Length > 3 && args[3] == "blocking";
    actors.ActorOf(Props.Create(() => new Jobs(blocking)).WithMailbox(NodeConfig.MailboxId), "jobs");
}
if (cluster)
{
    var up = new TaskCompletionSource();
    Cluster.Get(actors).RegisterOnMemberUp(() => up.TrySetResult());
    await up.Task.WaitAsync(TimeSpan.FromMinutes(1));
    IActorRef subscriber = actors.ActorOf(Props.Create(() => new Subscriber(node)), "subscriber");
    await DistributedPubSub.Get(actors).Mediator.Ask<SubscribeAck>(new Subscribe("news", subscriber), TimeSpan.FromMinutes(1));
}
if (args[2] == "subscriber")
{
    IActorRef subscriber = actors.ActorOf(Props.Create(() => new TopicSubscriber(node)), "subscriber");
    await Shm.Actors.PubSub.ShmPubSub.Get(actors).Mediator.Ask<SubscribeAck>(new Subscribe("news", subscriber), TimeSpan.FromMinutes(1));
}
NodeControl.Ready();
if (args[2] == "publisher")
{
    IActorRef mediator = Shm.Actors.PubSub.ShmPubSub.Get(actors).Mediator;
    for (long tick = 0; ; tick++)
    {
        mediator.Tell(new Publish("ticks", tick), ActorRefs.NoSender);
        if (tick % 64 == 63)
            Thread.Yield(); // a reader of the same box keeps up; the test kills this process mid-stream
    }
}
await left;
await CoordinatedShutdown.Get(actors).Run(CoordinatedShutdown.ClrExitReason.Instance);
return 0;

/// <summary>Replies with what it got.</summary>
internal sealed class Echo : ReceiveActor
{
    public Echo() => ReceiveAny(message => Sender.Tell(message));
}

/// <summary>Answers each message with "MESSAGE PID"; a blocking one answers its first "block", then waits in that turn at the fault point "job-in-hand".</summary>
internal sealed class Jobs : ReceiveActor
{
    public Jobs(bool blocking) => Receive<string>(message =>
    {
        Sender.Tell($"{message} {Environment.ProcessId}");
        if (blocking && message == "block")
            NodeControl.FaultPoint("job-in-hand"); // the message in hand when the test kills this process
    });
}

/// <summary>
/// Answers each shm topic event to its publisher with "NODE:EVENT"; a gap is answered (to the publisher of the next
/// event, since the notice itself comes from the mediator) with "NODE:lost:COUNT" before that event's answer.
/// </summary>
internal sealed class TopicSubscriber : ReceiveActor
{
    public TopicSubscriber(string node)
    {
        long lost = 0;
        Receive<Shm.Actors.PubSub.TopicEventsLost>(notice => lost += notice.Count);
        ReceiveAny(message =>
        {
            if (lost != 0)
                Sender.Tell($"{node}:lost:{lost}");
            lost = 0;
            Sender.Tell($"{node}:{message}");
        });
    }
}

/// <summary>Answers each published event to its publisher with "NODE:EVENT".</summary>
internal sealed class Subscriber : ReceiveActor
{
    public Subscriber(string node) => Receive<string>(message => Sender.Tell($"{node}:{message}"));
}
