using System.Collections.Concurrent;

namespace Shm.Node.Tests;

/// <summary>The node layer alone: two nodes of one system, opaque messages, no actors, no serialization.</summary>
public sealed class ShmNodeTests
{
    private sealed class Peer : INodeLinkListener
    {
        public BlockingCollection<NodeLink> Links { get; } = new();

        public BlockingCollection<object> Events { get; } = new();

        public void LinkUp(NodeLink link)
        {
            Assert.True(link.Attach(this));
            Assert.False(link.Attach(this)); // one listener per link
            Links.Add(link);
        }

        public void OnMessage(ReadOnlySpan<byte> message) => Events.Add(message.ToArray()); // valid during the call only

        public void OnClosed(NodeDeparture reason) => Events.Add(reason);
    }

    private static T Take<T>(BlockingCollection<T> from)
    {
        Assert.True(from.TryTake(out T? item, TimeSpan.FromSeconds(30)), "nothing arrived in time");
        return item!;
    }

    [Fact]
    public void Two_nodes_link_exchange_ordered_messages_and_report_a_clean_leave()
    {
        string system = $"shmtest-{Environment.ProcessId}-node-{Guid.NewGuid():N}";
        var log = new NodeLog(_ => { }, (_, _) => { });
        using var a = new ShmNode(system, new NodeOptions { NodeName = "a" }, log);
        using var b = new ShmNode(system, new NodeOptions { NodeName = "b" }, log);
        try
        {
            var peerA = new Peer();
            var peerB = new Peer();
            a.Start(peerA.LinkUp);
            b.Start(peerB.LinkUp);

            NodeLink toB = Take(peerA.Links); // every node that is up is offered as a link
            Assert.Equal("b", toB.Peer.Name);
            Assert.True(a.TryGetOrAdmit("b", out NodeLink? found));
            Assert.Same(toB, found);
            NodeLink toA = Take(peerB.Links);
            Assert.Equal(a.Incarnation, toA.Peer.Incarnation);

            for (int i = 0; i < 1000; i++)
                Assert.True(toB.Write(BitConverter.GetBytes(i)));
            for (int i = 0; i < 1000; i++)
                Assert.Equal(i, BitConverter.ToInt32((byte[])Take(peerB.Events)));
            Assert.True(toA.Write("back"u8));
            Assert.Equal("back"u8.ToArray(), (byte[])Take(peerA.Events));

            b.Dispose();
            Assert.Equal(NodeDeparture.Left, Take(peerA.Events));
            Assert.False(toB.Write("after"u8));
            Assert.False(a.TryGetOrAdmit("b", out _));
        }
        finally
        {
            a.Dispose();
            foreach (string file in Directory.GetFiles("/dev/shm", system + ".*"))
                File.Delete(file);
        }
    }

    [Fact]
    public void A_link_keeps_what_arrives_before_its_listener_attaches_in_order()
    {
        string system = $"shmtest-{Environment.ProcessId}-node-{Guid.NewGuid():N}";
        var log = new NodeLog(_ => { }, (_, _) => { });
        using var a = new ShmNode(system, new NodeOptions { NodeName = "a" }, log);
        using var b = new ShmNode(system, new NodeOptions { NodeName = "b" }, log);
        try
        {
            var unattached = new BlockingCollection<NodeLink>();
            var peerA = new Peer();
            a.Start(peerA.LinkUp);
            b.Start(unattached.Add); // b hears of a's link but attaches nothing yet

            NodeLink toB = Take(peerA.Links);
            for (int i = 0; i < 100; i++)
                Assert.True(toB.Write(BitConverter.GetBytes(i)));
            NodeLink toA = Take(unattached);
            a.Dispose(); // its leave, after its messages

            var late = new Peer();
            Assert.True(toA.Attach(late));
            for (int i = 0; i < 100; i++)
                Assert.Equal(i, BitConverter.ToInt32((byte[])Take(late.Events)));
            Assert.Equal(NodeDeparture.Left, Take(late.Events));
        }
        finally
        {
            foreach (string file in Directory.GetFiles("/dev/shm", system + ".*"))
                File.Delete(file);
        }
    }
}
