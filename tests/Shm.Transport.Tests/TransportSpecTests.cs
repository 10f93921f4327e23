using System.Runtime.InteropServices;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote.Transport;
using Google.Protobuf;
using Shm.Node;
using Shm.Primitives;
using Shm.Transport.Remote;

namespace Shm.Transport.Tests;

/// <summary>
/// The transport through Akka's driver SPI alone, as Akka.Remote's own transport specs test a driver: two transports of
/// one system name in this process, each with a local actor system of its own, over real shared memory.
/// </summary>
public sealed class TransportSpecTests : IDisposable
{
    private readonly string _system = $"shmtest-{Environment.ProcessId}-spec-{Guid.NewGuid():N}"[..40];
    private readonly List<ActorSystem> _systems = [];
    private readonly List<SharedMemoryTransport> _transports = [];

    private SharedMemoryTransport Transport(string node, string extra = "")
    {
        ActorSystem system = ActorSystem.Create(_system, "akka.loglevel = ERROR");
        _systems.Add(system);
        var transport = new SharedMemoryTransport(system, ConfigurationFactory.ParseString($"hostname = {node}\n{extra}"));
        _transports.Add(transport);
        return transport;
    }

    private static async Task<(Address Bound, EventCollector Associations)> ListenAsync(SharedMemoryTransport transport)
    {
        (Address bound, TaskCompletionSource<IAssociationEventListener> promise) = await transport.Listen();
        var associations = new EventCollector();
        promise.SetResult(associations);
        return (bound, associations);
    }

    /// <summary>Associates a with b; returns both ends with a listener on each.</summary>
    private static async Task<(AssociationHandle Out, EventCollector OutEvents, AssociationHandle In, EventCollector InEvents)> ConnectAsync(
        SharedMemoryTransport a, Address b, EventCollector bAssociations)
    {
        AssociationHandle outbound = await a.Associate(b);
        var outEvents = new EventCollector();
        outbound.ReadHandlerSource.SetResult(outEvents);
        AssociationHandle inbound = bAssociations.Take<InboundAssociation>().Association;
        var inEvents = new EventCollector();
        inbound.ReadHandlerSource.SetResult(inEvents);
        return (outbound, outEvents, inbound, inEvents);
    }

    /// <summary>Two listening transports a and b, a associated with b, a listener on both ends.</summary>
    private async Task<Pair> PairAsync(string extra = "")
    {
        SharedMemoryTransport a = Transport("a", extra);
        SharedMemoryTransport b = Transport("b", extra);
        (Address boundA, _) = await ListenAsync(a);
        (Address boundB, EventCollector atB) = await ListenAsync(b);
        var (toB, fromB, toA, fromA) = await ConnectAsync(a, boundB, atB);
        return new Pair(a, b, boundA, boundB, toB, fromB, toA, fromA);
    }

    /// <param name="ToB">a's end; <paramref name="FromB"/> hears what b writes to it.</param>
    /// <param name="ToA">b's end; <paramref name="FromA"/> hears what a writes to it.</param>
    private sealed record Pair(SharedMemoryTransport A, SharedMemoryTransport B, Address BoundA, Address BoundB,
        AssociationHandle ToB, EventCollector FromB, AssociationHandle ToA, EventCollector FromA);

    [Fact]
    public async Task Listen_binds_the_node_name_as_host_with_port_1()
    {
        SharedMemoryTransport a = Transport("alpha");
        (Address bound, _) = await ListenAsync(a);
        Assert.Equal(new Address("shm", _system, "alpha", SharedMemoryTransport.Port), bound);
        Assert.True(a.IsResponsibleFor(bound));
        Assert.True(a.IsResponsibleFor(new Address("akka.shm", _system, "other", SharedMemoryTransport.Port)));
        Assert.False(a.IsResponsibleFor(new Address("akka.tcp", _system, "localhost", 2552)));
        Assert.Equal("shm", a.SchemeIdentifier);
    }

    [Fact]
    public async Task Associate_writes_and_reads_in_order_both_ways()
    {
        var (_, _, boundA, boundB, toB, fromB, toA, fromA) = await PairAsync();
        Assert.Equal(boundA, toA.RemoteAddress);
        Assert.Equal(boundB, toB.RemoteAddress);
        for (int i = 0; i < 2000; i++)
            Assert.True(toB.Write(ByteString.CopyFrom(BitConverter.GetBytes(i))));
        for (int i = 0; i < 2000; i++)
            Assert.Equal(i, BitConverter.ToInt32(fromA.TakePayload()));
        Assert.True(toA.Write(ByteString.CopyFromUtf8("back")));
        Assert.Equal("back", Text(fromB.TakePayload()));
    }

    [Fact]
    public async Task Payloads_written_before_the_reader_listens_wait_in_order()
    {
        SharedMemoryTransport a = Transport("a");
        SharedMemoryTransport b = Transport("b");
        await ListenAsync(a);
        (Address boundB, EventCollector atB) = await ListenAsync(b);
        AssociationHandle toB = await a.Associate(boundB);
        for (int i = 0; i < 100; i++)
            Assert.True(toB.Write(ByteString.CopyFrom(BitConverter.GetBytes(i))));
        AssociationHandle inbound = atB.Take<InboundAssociation>().Association;
        // Written and delivered into the handle before it has a listener: the handle buffers them.
        var events = new EventCollector();
        inbound.ReadHandlerSource.SetResult(events);
        for (int i = 0; i < 100; i++)
            Assert.Equal(i, BitConverter.ToInt32(events.TakePayload()));
    }

    [Fact]
    public async Task Two_associations_between_the_same_nodes_stay_apart()
    {
        SharedMemoryTransport a = Transport("a");
        SharedMemoryTransport b = Transport("b");
        (Address boundA, EventCollector atA) = await ListenAsync(a);
        (Address boundB, EventCollector atB) = await ListenAsync(b);
        var first = await ConnectAsync(a, boundB, atB);
        var second = await ConnectAsync(b, boundA, atA); // opened by the other side
        Assert.True(first.Out.Write(ByteString.CopyFromUtf8("one")));
        Assert.True(second.Out.Write(ByteString.CopyFromUtf8("two")));
        Assert.Equal("one", Text(first.InEvents.TakePayload()));
        Assert.Equal("two", Text(second.InEvents.TakePayload()));
        first.Out.Disassociate("test", Akka.Event.NoLogger.Instance);
        first.InEvents.Take<Disassociated>();
        Assert.True(second.Out.Write(ByteString.CopyFromUtf8("still")));
        Assert.Equal("still", Text(second.InEvents.TakePayload()));
    }

    [Fact]
    public async Task Disassociate_tells_both_sides()
    {
        var (_, _, _, _, toB, fromB, toA, fromA) = await PairAsync();
        toB.Disassociate("test", Akka.Event.NoLogger.Instance);
        Assert.Equal(DisassociateInfo.Unknown, Info(fromB.Take<Disassociated>()));
        Assert.Equal(DisassociateInfo.Unknown, Info(fromA.Take<Disassociated>()));
        Assert.False(toB.Write(ByteString.CopyFromUtf8("after")));
        Assert.False(toA.Write(ByteString.CopyFromUtf8("after")));
    }

    [Fact]
    public async Task A_peer_that_shuts_down_disassociates_with_shutdown()
    {
        var (a, b, _, boundB, toB, fromB, _, _) = await PairAsync();
        Assert.True(await b.Shutdown());
        Assert.Equal(DisassociateInfo.Shutdown, Info(fromB.Take<Disassociated>()));
        Assert.False(toB.Write(ByteString.CopyFromUtf8("after")));
        await Assert.ThrowsAsync<InvalidAssociationException>(() => a.Associate(boundB));
    }

    [Fact]
    public async Task Associating_with_an_absent_node_fails_with_InvalidAssociationException()
    {
        SharedMemoryTransport a = Transport("a");
        await ListenAsync(a);
        var error = await Assert.ThrowsAsync<InvalidAssociationException>(() => a.Associate(new Address("shm", _system, "nobody", SharedMemoryTransport.Port)));
        Assert.Contains("nobody", error.Message);
        // Another system's name, or a port, is no address of this system's nodes.
        await Assert.ThrowsAsync<InvalidAssociationException>(() => a.Associate(new Address("shm", "other-system", "a", SharedMemoryTransport.Port)));
        await Assert.ThrowsAsync<InvalidAssociationException>(() => a.Associate(new Address("shm", _system, "a", 2552)));
        await Assert.ThrowsAsync<InvalidAssociationException>(() => a.Associate(new Address("shm", _system, "a", 0)));
    }

    [Fact]
    public async Task A_node_that_joins_after_the_listen_is_reachable_at_once()
    {
        SharedMemoryTransport a = Transport("a");
        await ListenAsync(a);
        SharedMemoryTransport late = Transport("late");
        (Address boundLate, EventCollector atLate) = await ListenAsync(late);
        // No wait for the membership watcher's rescan: Associate looks at the directory itself.
        var (toLate, _, _, fromA) = await ConnectAsync(a, boundLate, atLate);
        Assert.True(toLate.Write(ByteString.CopyFromUtf8("hi")));
        Assert.Equal(2, fromA.TakePayload().Length);
    }

    [Fact]
    public async Task A_payload_above_MaximumPayloadBytes_is_refused()
    {
        var (a, _, _, _, toB, _, _, fromA) = await PairAsync("maximum-payload-bytes = 4096");
        Assert.Equal(4096, a.MaximumPayloadBytes);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => toB.Write(ByteString.CopyFrom(new byte[4097])));
        Assert.Contains("4096", error.Message);
        Assert.True(toB.Write(ByteString.CopyFrom(new byte[4096])));
        Assert.Equal(4096, fromA.TakePayload().Length);
    }

    [Fact]
    public async Task Large_payloads_are_split_into_cells_and_reassembled()
    {
        var (a, _, _, _, toB, _, _, fromA) = await PairAsync();
        var random = new Random(22);
        var sent = new List<byte[]>();
        foreach (int length in new[] { 1, InboxCell.MaxPayload - LinkFrame.HeaderSize, InboxCell.MaxPayload, 10_000, 100_000, (int)a.MaximumPayloadBytes })
        {
            byte[] payload = new byte[length];
            random.NextBytes(payload);
            sent.Add(payload);
            Assert.True(toB.Write(ByteString.CopyFrom(payload)));
            Assert.True(toB.Write(ByteString.CopyFromUtf8("short"))); // short ones between long ones keep their place
        }
        foreach (byte[] payload in sent)
        {
            Assert.Equal(payload, fromA.TakePayload());
            Assert.Equal(5, fromA.TakePayload().Length);
        }
    }

    [Fact]
    public async Task A_corrupt_inbox_cell_or_frame_is_counted_and_the_node_keeps_working()
    {
        var (a, b, _, _, toB, _, _, fromA) = await PairAsync();

        // Garbage straight into b's inbox ring, as a buggy or hostile process could write it: a cell whose length is
        // out of range, one with unknown flags, one from an origin no node has, and a frame of a known origin that
        // is no frame.
        string inboxName = Directory.GetFiles("/dev/shm", $"{_system}.b.*.inbox").Select(Path.GetFileName).Single()!;
        using (var inbox = ShmQueue<InboxCell>.OpenExisting(inboxName))
        {
            long origin = OriginOf(a);
            Assert.True(inbox.TryEnqueue(new InboxCell { Origin = origin, Length = 999, MessageLength = 999 }));
            Assert.True(inbox.TryEnqueue(new InboxCell { Origin = origin, Length = 1, Flags = 0x80, MessageLength = 1 }));
            Assert.True(inbox.TryEnqueue(new InboxCell { Origin = long.MaxValue - 7, Length = 1, MessageLength = 1 }));
            var notAFrame = new InboxCell { Origin = origin, Length = 3, MessageLength = 3 };
            ((Span<byte>)notAFrame.Payload)[0] = 42;
            Assert.True(inbox.TryEnqueue(notAFrame));
        }
        Assert.True(toB.Write(ByteString.CopyFromUtf8("after")));
        Assert.Equal("after"u8.ToArray(), fromA.TakePayload());
        Assert.Equal(4, b.CorruptFrames);
        Assert.True(fromA.IsEmpty);
    }

    [Fact]
    public void Bad_settings_are_refused_naming_the_key()
    {
        ActorSystem system = ActorSystem.Create(_system, "akka.loglevel = ERROR");
        _systems.Add(system);
        var port = Assert.Throws<ConfigurationException>(() => new SharedMemoryTransport(system, ConfigurationFactory.ParseString("hostname = a\nport = 2552")));
        Assert.Contains("port", port.Message);
        var name = Assert.Throws<ConfigurationException>(() => new SharedMemoryTransport(system, ConfigurationFactory.ParseString("hostname = \"bad name\"")));
        Assert.Contains("hostname 'bad name' is invalid", name.Message);
        var wait = Assert.Throws<ConfigurationException>(() => new SharedMemoryTransport(system, ConfigurationFactory.ParseString("wait-strategy = busy")));
        Assert.Contains("wait-strategy", wait.Message);
        var payload = Assert.Throws<ConfigurationException>(() => new ShmRemotingOptions { MaximumPayloadBytes = 10 }.ToConfig());
        Assert.Contains("maximum-payload-bytes", payload.Message);
        var slots = Assert.Throws<ConfigurationException>(() => new SharedMemoryTransport(system, ConfigurationFactory.ParseString("ask-response-slots = 0")));
        Assert.Contains("ask-response-slots must be 1..", slots.Message);
        var reply = Assert.Throws<ConfigurationException>(() => new ShmRemotingOptions { AskReplyMaxBytes = 10 }.ToConfig());
        Assert.Contains("ask-reply-max-bytes must be 64..", reply.Message);
    }

    private static string Text(byte[] payload) => System.Text.Encoding.UTF8.GetString(payload);

    // Akka keeps Disassociated's reason in an internal field; the reason is what the driver promises, so it is checked.
    private static DisassociateInfo Info(Disassociated disassociated) =>
        (DisassociateInfo)typeof(Disassociated).GetField("Info", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Public)!.GetValue(disassociated)!;

    private static long OriginOf(SharedMemoryTransport transport) => transport.Incarnation;

    public void Dispose()
    {
        foreach (SharedMemoryTransport transport in _transports)
            transport.Shutdown().Wait();
        Task.WaitAll([.. _systems.Select(s => s.Terminate())], TimeSpan.FromSeconds(30));
        foreach (string file in Directory.GetFiles("/dev/shm", _system + ".*"))
            File.Delete(file);
    }
}
