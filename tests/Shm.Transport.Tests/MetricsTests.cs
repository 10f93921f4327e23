using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Shm.TestKit.MultiNode;
using Shm.TransportNode;

namespace Shm.Transport.Tests;

/// <summary>The transport's and the actor runtime's instruments, read through a MeterListener.</summary>
public sealed class MetricsTests
{
    [Fact]
    public async Task Messages_bytes_asks_dead_letters_and_inbox_fill_are_measured_per_node()
    {
        using var cluster = new MultiNodeCluster();
        ActorSystem a = cluster.StartNode("a");
        ActorSystem b = cluster.StartNode("b");
        var (collector, inbox) = Collector.Start(b, "collector");
        b.ActorOf(Props.Create(() => new Answerer()), "answerer");
        cluster.AwaitMembers(a, "b");
        cluster.AwaitMembers(b, "a");

        var longs = new ConcurrentDictionary<(string Instrument, string Tags), long>();
        var asks = new ConcurrentBag<double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name is "Shm.Transport" or "Shm.Actors")
                    l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => longs[(instrument.Name, Describe(tags))] = value);
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            if (instrument.Name == "shm.transport.ask.duration" && Describe(tags).Contains($"{cluster.SystemName}@a", StringComparison.Ordinal))
                asks.Add(value);
        });
        listener.Start();

        IActorRef remote = a.Provider.ResolveActorRef(collector.Path.ToSerializationFormat());
        for (int i = 0; i < 100; i++)
            remote.Tell($"message {i}");
        for (int i = 0; i < 100; i++)
            inbox.Next();
        Assert.Equal(16, await a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/answerer")).Ask<int>(new Square(4), TimeSpan.FromSeconds(30)));
        a.Provider.ResolveActorRef(cluster.PathOf("b", "/user/nobody")).Tell("to no one");
        a.Provider.ResolveActorRef(cluster.PathOf("nowhere", "/user/x")).Tell("to no node");

        string nodeA = $"shm.node={cluster.SystemName}@a";
        string nodeB = $"shm.node={cluster.SystemName}@b";
        DateTime deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            listener.RecordObservableInstruments();
            bool complete = Value(longs, "shm.transport.messages.sent", nodeA) >= 101
                && Value(longs, "shm.transport.messages.received", nodeB) >= 100
                && Value(longs, "shm.actors.dead_letters", $"shm.node=b") >= 1;
            if (complete)
                break;
            Assert.True(DateTime.UtcNow < deadline, "the measurements never reached the expected values: " + string.Join(", ", longs));
            await Task.Delay(20);
        }
        Assert.True(Value(longs, "shm.transport.bytes.sent", nodeA) > 100 * 16);
        Assert.True(Value(longs, "shm.transport.bytes.received", nodeB) > 100 * 16);
        Assert.True(Value(longs, "shm.transport.dead_letters", nodeA) >= 1); // the Tell to a node that is not up
        Assert.True(Value(longs, "shm.actors.dead_letters", "shm.node=a") >= 1);
        Assert.True(longs.ContainsKey(("shm.transport.inbox.count", nodeB)));
        Assert.Equal(0, Value(longs, "shm.transport.node_deaths", nodeA));
        Assert.Single(asks);
        Assert.InRange(asks.Single(), 0, 30);
    }

    private static long Value(ConcurrentDictionary<(string Instrument, string Tags), long> values, string instrument, string tag) =>
        values.Where(v => v.Key.Instrument == instrument && v.Key.Tags.Contains(tag, StringComparison.Ordinal)).Select(v => v.Value).DefaultIfEmpty(-1).Max();

    private static string Describe(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>();
        foreach (KeyValuePair<string, object?> tag in tags)
            parts.Add($"{tag.Key}={tag.Value}");
        return string.Join(";", parts);
    }
}
