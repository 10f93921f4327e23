using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Shm.Actors.Mailboxes;
using Shm.Transport.Remote;

namespace Shm.RemoteNode;

/// <summary>The HOCON of the test nodes (the child program's and the test process's own), in one place.</summary>
public static class NodeConfig
{
    /// <summary>A node with the remote provider.</summary>
    public static Config Remote(string node) => Base(node, "remote", "");

    /// <summary>A node with the direct-path provider (Tell straight into the other node's inbox ring).</summary>
    public static Config Direct(string node) => Base(node, DirectProvider, "");

    /// <summary>The direct-path cluster provider, as akka.actor.provider names it.</summary>
    public static readonly string DirectClusterProvider = $"{typeof(ShmClusterActorRefProvider).FullName}, {typeof(ShmClusterActorRefProvider).Assembly.GetName().Name}";

    /// <summary>The direct-path provider, as akka.actor.provider names it.</summary>
    public static readonly string DirectProvider = $"{typeof(ShmRemoteActorRefProvider).FullName}, {typeof(ShmRemoteActorRefProvider).Assembly.GetName().Name}";

    /// <summary>
    /// A node of an Akka.Cluster whose seed is node <paramref name="seed"/>, downed by the split brain resolver
    /// (keep-majority, stable after 1 s), its unreachable members reaped every 100 ms, with DistributedPubSub started
    /// with the system (so its serializer is there before the first gossip from another member).
    /// </summary>
    public static Config Cluster(string system, string node, string seed, bool direct = false) => Base(node, direct ? DirectClusterProvider : "cluster", $$"""
        akka.extensions = ["Akka.Cluster.Tools.PublishSubscribe.DistributedPubSubExtensionProvider, Akka.Cluster.Tools"]
        akka.cluster {
          seed-nodes = ["akka.shm://{{system}}@{{seed}}:{{SharedMemoryTransport.Port}}"]
          downing-provider-class = "Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster"
          split-brain-resolver { active-strategy = keep-majority, stable-after = 1s }
          unreachable-nodes-reaper-interval = 100ms
          pub-sub.gossip-interval = 200ms
        }
        """).WithFallback(DistributedPubSub.DefaultConfig());

    /// <summary>The id of the shm mailbox in every node's configuration (<c>Props.WithMailbox(MailboxId)</c>).</summary>
    public const string MailboxId = "shm-mailbox";

    private static Config Base(string node, string provider, string extra) => ConfigurationFactory.ParseString($"""
        {MailboxId}.mailbox-type = "{ShmMailboxType.TypeName}"
        {MailboxId}.capacity = 4096
        akka.shm.pub-sub.topic-capacity = 4096
        akka.loglevel = WARNING
        akka.actor.provider = "{provider}"
        akka.coordinated-shutdown.run-by-clr-shutdown-hook = off
        {extra}
        """).WithFallback(new ShmRemotingOptions { HostName = node }.ToConfig());
}
