using System.Diagnostics;
using Akka.Actor;
using Akka.Cluster;
using Akka.TestKit;

namespace Shm.TestKit;

/// <summary>
/// Killing a node process and awaiting what Akka makes of it, from an <c>Akka.TestKit</c> test: the
/// <see cref="Terminated"/> of an actor that lived there (DeathWatch), or the cluster's <see cref="ClusterEvent.MemberRemoved"/>.
/// </summary>
public static class NodeDeathExpectations
{
    private static readonly TimeSpan s_defaultWait = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Watches <paramref name="actor"/> (an actor of <paramref name="node"/>), kills the node with SIGKILL, and expects
    /// its <see cref="Terminated"/> (with <see cref="Terminated.AddressTerminated"/> set, as for a node that died) within
    /// <paramref name="timeout"/> (default 1 minute). Returns the time from the kill to the Terminated.
    /// </summary>
    public static TimeSpan KillAndExpectTerminated(this TestKitBase kit, NodeProcess node, IActorRef actor, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(kit);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(actor);
        TestProbe probe = kit.CreateTestProbe();
        probe.Watch(actor);
        var clock = Stopwatch.StartNew();
        node.Kill();
        Terminated terminated = probe.ExpectTerminated(actor, timeout ?? s_defaultWait);
        TimeSpan elapsed = clock.Elapsed;
        if (!terminated.AddressTerminated)
            throw new InvalidOperationException($"{actor.Path} was stopped, not lost with its node: its Terminated does not say AddressTerminated.");
        return elapsed;
    }

    /// <summary>
    /// Kills <paramref name="node"/>, the cluster member at <paramref name="member"/>, with SIGKILL, and awaits (default
    /// 1 minute each) the cluster of <paramref name="kit"/>'s system marking it unreachable and then removing it.
    /// </summary>
    /// <returns>The times from the kill to <see cref="ClusterEvent.UnreachableMember"/> and to <see cref="ClusterEvent.MemberRemoved"/>.</returns>
    public static (TimeSpan Unreachable, TimeSpan Removed) KillAndExpectMemberRemoved(this TestKitBase kit, NodeProcess node, Address member, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(kit);
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(member);
        TimeSpan wait = timeout ?? s_defaultWait;
        TestProbe probe = kit.CreateTestProbe();
        Cluster cluster = Cluster.Get(kit.Sys);
        cluster.Subscribe(probe.Ref, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsEvents,
            typeof(ClusterEvent.UnreachableMember), typeof(ClusterEvent.MemberRemoved));
        try
        {
            var clock = Stopwatch.StartNew();
            node.Kill();
            probe.FishForMessage<ClusterEvent.UnreachableMember>(e => e.Member.Address == member, wait);
            TimeSpan unreachable = clock.Elapsed;
            probe.FishForMessage<ClusterEvent.MemberRemoved>(e => e.Member.Address == member, wait);
            return (unreachable, clock.Elapsed);
        }
        finally
        {
            cluster.Unsubscribe(probe.Ref);
        }
    }
}
