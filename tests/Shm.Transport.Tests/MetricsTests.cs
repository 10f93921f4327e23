using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Akka.Actor;
using Shm.RemoteNode;
using Shm.TestKit;
using Shm.Transport.Diagnostics;

namespace Shm.Transport.Tests;

/// <summary>The transport's instruments (meter Shm.Transport) as a listener sees them, per node, over the direct path.</summary>
public sealed class MetricsTests : Akka.TestKit.Xunit2.TestKit
{
    private readonly ShmNodes _nodes;

    public MetricsTests() : this(new ShmNodes())
    {
    }

    private MetricsTests(ShmNodes nodes) : base(nodes.ConfigOf("a", provider: NodeConfig.DirectProvider), nodes.SystemName)
    {
        _nodes = nodes;
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(message => Sender.Tell(message));
    }

    /// <summary>One collection of every Shm.Transport instrument: (instrument, node tag) → value.</summary>
    private static Dictionary<(string Instrument, string Node), long> Collect()
    {
        var values = new ConcurrentDictionary<(string, string), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TransportMetrics.MeterName)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == TransportMetrics.NodeTag)
                    values[(instrument.Name, (string)tag.Value!)] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return new(values);
    }

    [Fact]
    public async Task Each_node_reports_what_it_sent_and_received_and_what_it_could_not_deliver()
    {
        ActorSystem b = _nodes.Start("b", provider: NodeConfig.DirectProvider);
        b.ActorOf(Props.Create(() => new Echo()), "echo");
        IActorRef echo = await Sys.ActorSelection(_nodes.AddressOf("b") + "/user/echo").ResolveOne(TimeSpan.FromSeconds(30));
        const int Count = 100;
        for (int i = 0; i < Count; i++)
            echo.Tell(i, TestActor);
        for (int i = 0; i < Count; i++)
            ExpectMsg(i, TimeSpan.FromSeconds(30));

        string a = $"{Sys.Name}@a", bTag = $"{Sys.Name}@b";
        Dictionary<(string, string), long> values = Collect();
        Assert.True(values[("shm.transport.messages.sent", a)] >= Count);
        Assert.True(values[("shm.transport.messages.received", bTag)] >= Count);
        Assert.True(values[("shm.transport.messages.sent", bTag)] >= Count); // the replies
        Assert.True(values[("shm.transport.bytes.sent", a)] >= Count * 4L);
        Assert.True(values[("shm.transport.inbox.count", a)] >= 0);
        Assert.Equal(0, values[("shm.transport.node_deaths", a)]);
        long deadBefore = values[("shm.transport.dead_letters", a)];

        await b.Terminate();
        Assert.DoesNotContain(("shm.transport.messages.sent", bTag), Collect().Keys); // a stopped node's series ends
        AwaitCondition(() =>
        {
            echo.Tell("lost", TestActor);
            return Collect()[("shm.transport.dead_letters", a)] > deadBefore;
        }, TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(50));
    }

    protected override void AfterAll()
    {
        base.AfterAll();
        _nodes.Dispose();
    }
}
