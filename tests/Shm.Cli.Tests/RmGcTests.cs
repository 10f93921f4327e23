using System.Text.Json;
using Shm.Primitives;

namespace Shm.Cli.Tests;

public sealed class RmGcTests : IDisposable
{
    private readonly TempSegmentDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string ActionFor(JsonElement gc, string name) =>
        gc.GetProperty("segments").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name).GetProperty("action").GetString()!;

    private static string ReasonFor(JsonElement gc, string name) =>
        gc.GetProperty("segments").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name).GetProperty("reason").GetString()!;

    [Fact]
    public void Rm_removes_a_segment_nobody_uses()
    {
        using (var queue = ShmQueue<long>.CreateNew("old", 8, _dir.Options))
        {
        }

        JsonElement result = Cli.Run("rm", "old", "--dir", _dir.Root, "--json").ShouldSucceed().Json();

        Assert.True(result.GetProperty("removed").GetBoolean());
        Assert.False(File.Exists(_dir.PathOf("old")));
    }

    [Fact]
    public void Rm_refuses_a_segment_a_live_process_maps_unless_forced()
    {
        using var queue = ShmQueue<long>.CreateNew("busy", 8, _dir.Options);

        CliResult refused = Cli.Run("rm", _dir.PathOf("busy")).ShouldFailWith(ExitCodes.InUse);
        Assert.Contains(Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.Error);
        Assert.True(File.Exists(_dir.PathOf("busy")));

        Cli.Run("rm", _dir.PathOf("busy"), "--force").ShouldSucceed();
        Assert.False(File.Exists(_dir.PathOf("busy")));
        Assert.True(queue.TryEnqueue(1)); // the mapping outlives the name
    }

    [Fact]
    public void Rm_leaves_files_that_are_not_segments_alone()
    {
        File.WriteAllText(_dir.PathOf("precious.txt"), new string('p', 300));

        Cli.Run("rm", _dir.PathOf("precious.txt"), "--force").ShouldFailWith(ExitCodes.InvalidSegment);

        Assert.True(File.Exists(_dir.PathOf("precious.txt")));
    }

    [Fact]
    public void Rm_of_a_missing_segment_is_exit_code_3()
    {
        Cli.Run("rm", "ghost", "--dir", _dir.Root).ShouldFailWith(ExitCodes.NotFound);
    }

    [Fact]
    public void Rm_refuses_names_that_escape_the_directory()
    {
        Cli.Run("rm", "..", "--dir", _dir.Root).ShouldFailWith(ExitCodes.Usage);
    }

    [Fact]
    public void Gc_removes_a_segment_whose_creator_was_killed_and_keeps_the_one_a_live_child_maps()
    {
        string deadPath = _dir.PathOf("orphan");
        string livePath = _dir.PathOf("held");
        using ChildProcess doomed = ChildProcess.StartReady("hold-queue", deadPath);
        using ChildProcess survivor = ChildProcess.StartReady("hold-queue", livePath);

        // While both live, gc keeps both, and says the child maps them.
        JsonElement before = Cli.Run("gc", _dir.Root, "--json").ShouldSucceed().Json();
        Assert.Equal("kept", ActionFor(before, "orphan"));
        Assert.Contains(doomed.Pid.ToString(System.Globalization.CultureInfo.InvariantCulture), ReasonFor(before, "orphan"));

        doomed.Kill();
        JsonElement dryRun = Cli.Run("gc", _dir.Root, "--dry-run", "--json").ShouldSucceed().Json();
        Assert.True(ActionFor(dryRun, "orphan") == "would-remove", ReasonFor(dryRun, "orphan"));
        Assert.True(File.Exists(deadPath));

        JsonElement after = Cli.Run("gc", _dir.Root, "--json").ShouldSucceed().Json();

        Assert.Equal("removed", ActionFor(after, "orphan"));
        Assert.False(File.Exists(deadPath));
        Assert.Equal("kept", ActionFor(after, "held"));
        Assert.True(File.Exists(livePath));
        using var stillThere = ShmQueue<long>.OpenExisting(livePath);
        Assert.True(stillThere.TryDequeue(out long pid));
        Assert.Equal(survivor.Pid, pid);
    }

    [Fact]
    public void Gc_keeps_what_this_process_maps_or_created_and_ignores_foreign_files()
    {
        using var mapped = ShmQueue<long>.CreateNew("mapped", 8, _dir.Options);
        using (var closed = ShmByteQueue.CreateNew("closed-by-live-creator", 8, 4096, _dir.Options))
        {
        }
        File.WriteAllText(_dir.PathOf("other-software"), new string('o', 400));

        JsonElement gc = Cli.Run("gc", _dir.Root, "--json").ShouldSucceed().Json();

        Assert.Equal("kept", ActionFor(gc, "mapped"));
        Assert.Equal("kept", ActionFor(gc, "closed-by-live-creator"));
        Assert.Contains("creator", ReasonFor(gc, "closed-by-live-creator"));
        Assert.DoesNotContain(gc.GetProperty("segments").EnumerateArray(), s => s.GetProperty("name").GetString() == "other-software");
        Assert.True(File.Exists(_dir.PathOf("mapped")));
        Assert.True(File.Exists(_dir.PathOf("closed-by-live-creator")));
        Assert.True(File.Exists(_dir.PathOf("other-software")));
    }

    [Fact]
    public void Gc_text_output_names_the_action_and_the_reason()
    {
        using var mapped = ShmQueue<long>.CreateNew("inuse", 8, _dir.Options);

        string text = Cli.Run("gc", "--dir", _dir.Root).ShouldSucceed().Out;

        string row = text.Split('\n').Single(l => l.Contains("inuse"));
        Assert.StartsWith("kept", row);
        Assert.Contains("mapped or open by live process", row);
    }
}
