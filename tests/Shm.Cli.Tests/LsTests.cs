using System.Text.Json;
using Shm.Primitives;

namespace Shm.Cli.Tests;

public sealed class LsTests : IDisposable
{
    private readonly TempSegmentDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static JsonElement Segment(JsonElement listing, string name) =>
        listing.GetProperty("segments").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    [Fact]
    public void Lists_every_kind_with_type_capacity_fill_creator_users_and_size()
    {
        using var queue = ShmQueue<long>.CreateNew("orders", 64, _dir.Options);
        for (long i = 0; i < 3; i++)
            Assert.True(queue.TryEnqueue(i));
        using var bytes = ShmByteQueue.CreateNew("mail", 16, 8192, _dir.Options);
        Assert.True(bytes.TryEnqueue("hello"u8));
        Assert.True(bytes.TryEnqueue("world"u8));
        using var prices = ShmPubSub<int>.CreateNew("prices", 32, ShmPubSubMode.Overwrite, _dir.Options);
        using var events = ShmBytePubSub.CreateNew("events", 8, 128, ShmPubSubMode.Overwrite, _dir.Options);
        using var rpc = ShmReqRepServer.CreateNew("rpc", 8, responseSlots: 4, options: _dir.Options);

        JsonElement listing = Cli.Run("ls", _dir.Root, "--json").ShouldSucceed().Json();

        Assert.Equal(_dir.Root, listing.GetProperty("directory").GetString());
        Assert.Equal(5, listing.GetProperty("segments").GetArrayLength());
        JsonElement orders = Segment(listing, "orders");
        Assert.Equal("ok", orders.GetProperty("status").GetString());
        Assert.Equal("Queue", orders.GetProperty("kind").GetString());
        Assert.Equal("System.Int64", orders.GetProperty("element_type").GetString());
        Assert.Equal(8, orders.GetProperty("element_size").GetInt32());
        Assert.Equal(64, orders.GetProperty("capacity").GetInt64());
        Assert.Equal(3, orders.GetProperty("used").GetInt64());
        Assert.Equal(Environment.ProcessId, orders.GetProperty("creator").GetProperty("pid").GetInt32());
        Assert.True(orders.GetProperty("creator").GetProperty("alive").GetBoolean());
        Assert.Contains(Environment.ProcessId, orders.GetProperty("mapped_by").EnumerateArray().Select(p => p.GetInt32()));
        Assert.Equal(new FileInfo(_dir.PathOf("orders")).Length, orders.GetProperty("size_bytes").GetInt64());

        JsonElement mail = Segment(listing, "mail");
        Assert.Equal("ByteQueue", mail.GetProperty("kind").GetString());
        Assert.Equal(2, mail.GetProperty("used").GetInt64());
        Assert.Equal(16, mail.GetProperty("used_capacity").GetInt64());
        Assert.Equal("System.Int32", Segment(listing, "prices").GetProperty("element_type").GetString());
        Assert.Equal("PubSub", Segment(listing, "prices").GetProperty("kind").GetString());
        Assert.Equal("BytePubSub", Segment(listing, "events").GetProperty("kind").GetString());
        Assert.Equal("ReqRep", Segment(listing, "rpc").GetProperty("kind").GetString());
    }

    [Fact]
    public void Text_listing_names_each_segment_and_whether_its_creator_lives()
    {
        using var queue = ShmQueue<long>.CreateNew("jobs", 8, _dir.Options);

        string text = Cli.Run("ls", "--dir", _dir.Root).ShouldSucceed().Out;

        string row = text.Split('\n').Single(l => l.StartsWith("jobs ", StringComparison.Ordinal));
        Assert.Contains("Queue", row);
        Assert.Contains($"{Environment.ProcessId} (alive)", row);
        Assert.Contains("0/8 items", row);
    }

    [Fact]
    public void Files_that_are_not_segments_are_listed_only_with_all_and_then_say_why()
    {
        using var queue = ShmQueue<int>.CreateNew("real", 4, _dir.Options);
        File.WriteAllText(_dir.PathOf("notes.txt"), new string('x', 200));

        JsonElement plain = Cli.Run("ls", _dir.Root, "--json").ShouldSucceed().Json();
        Assert.Equal(["real"], plain.GetProperty("segments").EnumerateArray().Select(s => s.GetProperty("name").GetString()));

        JsonElement all = Cli.Run("ls", _dir.Root, "--all", "--json").ShouldSucceed().Json();
        JsonElement notes = Segment(all, "notes.txt");
        Assert.Equal("invalid", notes.GetProperty("status").GetString());
        Assert.Contains("not a Shm segment", notes.GetProperty("error").GetString());
    }

    [Fact]
    public void A_corrupt_segment_is_listed_with_the_segment_layers_reason()
    {
        using (var queue = ShmQueue<long>.CreateNew("broken", 8, _dir.Options))
        {
        }
        SegmentFiles.OverwriteHeaderField(_dir.PathOf("broken"), SegmentFiles.CapacityOffset, 12345);

        JsonElement listing = Cli.Run("ls", _dir.Root, "--json").ShouldSucceed().Json();

        JsonElement broken = Segment(listing, "broken");
        Assert.Equal("invalid", broken.GetProperty("status").GetString());
        Assert.Contains("corrupt", broken.GetProperty("error").GetString());
        Assert.Equal("Queue", broken.GetProperty("kind").GetString());
    }

    [Fact]
    public void A_missing_directory_is_exit_code_3()
    {
        Cli.Run("ls", _dir.PathOf("nowhere")).ShouldFailWith(ExitCodes.NotFound);
    }

    [Fact]
    public void An_empty_directory_says_so()
    {
        string text = Cli.Run("ls", _dir.Root).ShouldSucceed().Out;
        Assert.Contains("No Shm segments", text);
    }
}
