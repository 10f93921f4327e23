using System.Text.Json;
using Shm.Node;

namespace Shm.Cli.Tests;

public sealed class NodesTests : IDisposable
{
    private readonly TempSegmentDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    // A node of the node layer alone (what every Akka node over akka.remote.shm runs): the directory entry and inbox the CLI reads.
    private ShmNode StartNode(string system, string node, long inboxCapacity)
    {
        var started = new ShmNode(system, new NodeOptions { NodeName = node, SegmentDirectory = _dir.Root, InboxCapacity = inboxCapacity },
            new NodeLog(_ => { }, (_, _) => { }));
        started.Start(_ => { });
        return started;
    }

    [Fact]
    public void Lists_each_node_with_pid_incarnation_state_and_inbox_fill()
    {
        string system = "nodes-" + Guid.NewGuid().ToString("N")[..8];
        using ShmNode first = StartNode(system, "alpha", 64);
        using ShmNode second = StartNode(system, "beta", 128);

        JsonElement listing = Cli.Run("nodes", system, "--dir", _dir.Root, "--json").ShouldSucceed().Json();

        Assert.Equal(system, listing.GetProperty("system").GetString());
        JsonElement[] nodes = [.. listing.GetProperty("nodes").EnumerateArray().OrderBy(n => n.GetProperty("name").GetString())];
        Assert.Equal(["alpha", "beta"], nodes.Select(n => n.GetProperty("name").GetString()));
        Assert.All(nodes, n => Assert.Equal(Environment.ProcessId, n.GetProperty("pid").GetInt32()));
        Assert.All(nodes, n => Assert.Equal("up", n.GetProperty("state").GetString()));
        Assert.Equal(first.Incarnation, nodes[0].GetProperty("incarnation").GetInt64());
        Assert.Equal(second.Incarnation, nodes[1].GetProperty("incarnation").GetInt64());
        Assert.Equal(64, nodes[0].GetProperty("inbox_capacity").GetInt64());
        Assert.Equal(128, nodes[1].GetProperty("inbox_capacity").GetInt64());
        Assert.True(nodes[0].GetProperty("inbox_used").GetInt64() >= 0);
        Assert.True(File.Exists(_dir.PathOf(nodes[0].GetProperty("inbox").GetString()!)));
    }

    [Fact]
    public void Text_output_has_one_row_per_node()
    {
        string system = "nodes-" + Guid.NewGuid().ToString("N")[..8];
        using ShmNode only = StartNode(system, "solo", 32);

        string text = Cli.Run("nodes", system, "--dir", _dir.Root).ShouldSucceed().Out;

        string row = text.Split('\n').Single(l => l.StartsWith("solo ", StringComparison.Ordinal));
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), row);
        Assert.Contains(" up ", row);
        Assert.Contains("/32", row);
    }

    [Fact]
    public void Stat_of_the_directory_segment_lists_its_nodes()
    {
        string system = "nodes-" + Guid.NewGuid().ToString("N")[..8];
        using ShmNode only = StartNode(system, "gamma", 16);

        JsonElement stat = Cli.Run("stat", system + ".nodes", "--dir", _dir.Root, "--json").ShouldSucceed().Json();

        Assert.Equal("Directory", stat.GetProperty("kind").GetString());
        Assert.Equal("gamma", Assert.Single(stat.GetProperty("nodes").EnumerateArray()).GetProperty("name").GetString());
        Assert.Equal(1, stat.GetProperty("metrics").GetProperty("nodes_alive").GetInt64());
    }

    [Fact]
    public void An_unknown_system_is_exit_code_3()
    {
        CliResult result = Cli.Run("nodes", "nosuchsystem", "--dir", _dir.Root).ShouldFailWith(ExitCodes.NotFound);
        Assert.Contains("No actor system 'nosuchsystem'", result.Error);
    }

    [Fact]
    public void A_segment_that_is_not_a_directory_is_exit_code_4()
    {
        using var queue = Shm.Primitives.ShmQueue<long>.CreateNew("fake.nodes", 8, _dir.Options);

        Cli.Run("nodes", "fake", "--dir", _dir.Root).ShouldFailWith(ExitCodes.InvalidSegment);
    }
}
