namespace Shm.Examples.Cluster;

/// <summary>Which transport a run's actor systems use (<c>--transport</c>); <see cref="ClusterConfig"/> turns it into HOCON.</summary>
public enum ClusterTransport
{
    /// <summary>akka.remote.shm with the direct-path provider, shm mailbox rings and ShmPubSub topics.</summary>
    Shm,

    /// <summary>Akka.Remote's DotNetty TCP on loopback, an Akka.Cluster, in-memory mailboxes and DistributedPubSub.</summary>
    Tcp,
}
