using System.Text.Json;
using Shm.Primitives;

namespace Shm.Cli.Tests;

public sealed class StatTests : IDisposable
{
    private readonly TempSegmentDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private JsonElement StatJson(string name) => Cli.Run("stat", name, "--dir", _dir.Root, "--json").ShouldSucceed().Json();

    private static long Metric(JsonElement stat, string name) => stat.GetProperty("metrics").GetProperty(name).GetInt64();

    [Fact]
    public void Queue_shows_the_validated_header_its_counters_and_the_process_using_it()
    {
        using var queue = ShmQueue<long>.CreateNew("orders", 32, _dir.Options);
        for (long i = 0; i < 5; i++)
            Assert.True(queue.TryEnqueue(i));
        Assert.True(queue.TryDequeue(out _));
        Assert.True(queue.TryDequeue(out _));

        JsonElement stat = StatJson("orders");

        JsonElement header = stat.GetProperty("header");
        Assert.Equal("Queue", header.GetProperty("kind").GetString());
        Assert.Equal(8, header.GetProperty("element_size").GetInt32());
        Assert.Equal(32, header.GetProperty("capacity").GetInt64());
        Assert.Equal(new FileInfo(_dir.PathOf("orders")).Length, header.GetProperty("total_size").GetInt64());
        Assert.Equal(3, Metric(stat, "count"));
        Assert.Equal(5, Metric(stat, "enqueued"));
        Assert.Equal(2, Metric(stat, "dequeued"));
        Assert.Equal(0, Metric(stat, "recoveries"));
        Assert.Equal(queue.GetStats().Enqueued, Metric(stat, "enqueued"));
        JsonElement me = stat.GetProperty("users").EnumerateArray().Single(u => u.GetProperty("process_id").GetInt32() == Environment.ProcessId);
        Assert.Equal("participant", me.GetProperty("role").GetString());
        Assert.True(me.GetProperty("alive").GetBoolean());
    }

    [Fact]
    public void Byte_queue_shows_arena_use_and_a_free_lock()
    {
        using var queue = ShmByteQueue.CreateNew("mail", 8, 4096, _dir.Options);
        Assert.True(queue.TryEnqueue(new byte[100]));
        Assert.True(queue.TryEnqueue(new byte[20]));

        JsonElement stat = StatJson("mail");

        Assert.Equal(2, Metric(stat, "count"));
        Assert.Equal(queue.ArenaUsed, Metric(stat, "arena_used"));
        Assert.Equal(4096, Metric(stat, "arena_bytes"));
        Assert.Equal(0, Metric(stat, "journal_pending"));
        Assert.Equal("free", stat.GetProperty("lock").GetProperty("state").GetString());
    }

    [Fact]
    public void Backpressure_pubsub_lists_each_subscribers_lag()
    {
        using var ring = ShmPubSub<long>.CreateNew("ticks", 16, ShmPubSubMode.Backpressure, _dir.Options);
        using ShmSubscriber<long> subscriber = ring.Subscribe();
        for (long i = 0; i < 5; i++)
            Assert.True(ring.Publish(i));
        Assert.True(subscriber.TryPoll(out _, out _));
        Assert.True(subscriber.TryPoll(out _, out _));

        JsonElement stat = StatJson("ticks");

        JsonElement only = Assert.Single(stat.GetProperty("subscribers").EnumerateArray());
        Assert.Equal(Environment.ProcessId, only.GetProperty("process_id").GetInt32());
        Assert.Equal(3, only.GetProperty("lag").GetInt64());
        Assert.Equal(5, Metric(stat, "published"));
        Assert.Equal(5, Metric(stat, "write_position"));
    }

    [Fact]
    public void Overwrite_pubsub_says_its_subscribers_cannot_be_listed()
    {
        using var ring = ShmBytePubSub.CreateNew("news", 8, 64, ShmPubSubMode.Overwrite, _dir.Options);
        Assert.True(ring.Publish("a"u8));

        JsonElement stat = StatJson("news");

        Assert.Equal(1, Metric(stat, "published"));
        Assert.Contains(stat.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("overwrite mode"));
    }

    [Fact]
    public void ReqRep_shows_response_slots_by_state_and_the_live_server()
    {
        using var server = ShmReqRepServer.CreateNew("rpc", 8, responseSlots: 4, maxResponseBytes: 64, options: _dir.Options);
        using var client = ShmReqRepClient.OpenExisting("rpc", _dir.Options);
        Assert.Equal(ShmSendResult.Sent, client.TrySend("one"u8, out _));
        Assert.Equal(ShmSendResult.Sent, client.TrySend("two"u8, out _));
        Assert.True(server.TryReceive(out _));

        JsonElement stat = StatJson("rpc");

        Assert.Equal(4, Metric(stat, "response_slots"));
        Assert.Equal(2, Metric(stat, "slots_free"));
        Assert.Equal(1, Metric(stat, "slots_waiting"));
        Assert.Equal(1, Metric(stat, "slots_processing"));
        Assert.Equal(1, Metric(stat, "queued"));
        Assert.Equal(1, Metric(stat, "live_servers"));
        Assert.Equal(2, Metric(stat, "requests"));
        string[] roles = [.. stat.GetProperty("users").EnumerateArray().Select(u => u.GetProperty("role").GetString()!)];
        Assert.Contains("server", roles);
        Assert.Contains("client", roles);
    }

    [Fact]
    public void Text_output_names_the_kind_fill_and_statistics()
    {
        using var queue = ShmQueue<int>.CreateNew("small", 4, _dir.Options);
        Assert.True(queue.TryEnqueue(7));

        string text = Cli.Run("stat", _dir.PathOf("small")).ShouldSucceed().Out;

        Assert.Contains("ShmQueue<System.Int32>", text);
        Assert.Contains("1/4 items", text);
        Assert.Matches(@"enqueued\s+1", text);
    }

    [Fact]
    public void Missing_segment_is_exit_code_3_with_an_error_object_under_json()
    {
        CliResult result = Cli.Run("stat", "absent", "--dir", _dir.Root, "--json").ShouldFailWith(ExitCodes.NotFound);

        JsonElement error = result.Json();
        Assert.Equal(ExitCodes.NotFound, error.GetProperty("exit_code").GetInt32());
        Assert.Contains("does not exist", error.GetProperty("error").GetString());
    }

    [Fact]
    public void A_file_that_is_no_segment_is_exit_code_4()
    {
        File.WriteAllText(_dir.PathOf("plain"), new string('x', 500));

        CliResult result = Cli.Run("stat", _dir.PathOf("plain")).ShouldFailWith(ExitCodes.InvalidSegment);

        Assert.Contains("not a Shm segment", result.Error);
    }

    [Fact]
    public void A_short_file_is_exit_code_4_naming_its_size()
    {
        File.WriteAllBytes(_dir.PathOf("stub"), new byte[10]);

        CliResult result = Cli.Run("stat", _dir.PathOf("stub")).ShouldFailWith(ExitCodes.InvalidSegment);

        Assert.Contains("10 bytes", result.Error);
    }

    [Fact]
    public void A_corrupt_header_is_exit_code_4_naming_what_disagrees()
    {
        using (var queue = ShmQueue<long>.CreateNew("bent", 8, _dir.Options))
        {
        }
        SegmentFiles.OverwriteHeaderField(_dir.PathOf("bent"), SegmentFiles.CapacityOffset, 3);

        CliResult result = Cli.Run("stat", _dir.PathOf("bent")).ShouldFailWith(ExitCodes.InvalidSegment);

        Assert.Contains("corrupt", result.Error);
    }

    [Fact]
    public void A_partly_initialised_segment_is_exit_code_4_saying_so()
    {
        using (var queue = ShmQueue<long>.CreateNew("half", 8, _dir.Options))
        {
        }
        SegmentFiles.OverwriteHeaderField(_dir.PathOf("half"), SegmentFiles.MagicOffset, 0);

        CliResult result = Cli.Run("stat", _dir.PathOf("half")).ShouldFailWith(ExitCodes.InvalidSegment);

        Assert.Contains("partly initialised", result.Error);
    }

    [Fact]
    public void A_segment_of_another_user_is_exit_code_5()
    {
        using (var queue = ShmQueue<long>.CreateNew("theirs", 8, _dir.Options))
        {
        }
        if (Environment.UserName != "root")
            return; // only root can give a file away; as any other user this case cannot be set up
        Chown(_dir.PathOf("theirs"), 54321);

        CliResult result = Cli.Run("stat", _dir.PathOf("theirs")).ShouldFailWith(ExitCodes.PermissionDenied);

        Assert.Contains("54321", result.Error);
    }

    [Fact]
    public void A_directory_is_not_a_segment()
    {
        Directory.CreateDirectory(_dir.PathOf("sub"));

        CliResult result = Cli.Run("stat", _dir.PathOf("sub")).ShouldFailWith(ExitCodes.InvalidSegment);

        Assert.Contains("directory", result.Error);
    }

    private static void Chown(string path, int uid)
    {
        using var chown = System.Diagnostics.Process.Start("chown", [uid.ToString(System.Globalization.CultureInfo.InvariantCulture), path])!;
        chown.WaitForExit();
        Assert.Equal(0, chown.ExitCode);
    }
}
