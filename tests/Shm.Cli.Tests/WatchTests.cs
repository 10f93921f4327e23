using System.Text.Json;
using Shm.Primitives;

namespace Shm.Cli.Tests;

public sealed class WatchTests : IDisposable
{
    private readonly TempSegmentDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Json_stream_has_one_object_per_refresh_with_rates_from_the_second_on()
    {
        using var queue = ShmQueue<long>.CreateNew("flow", 1024, _dir.Options);
        using var stop = new CancellationTokenSource();
        // A producer/consumer pair keeps the counters moving for as long as watch runs.
        // On a thread of its own, so a busy thread pool cannot leave a whole refresh interval without traffic.
        Task traffic = Task.Factory.StartNew(() =>
        {
            long i = 0;
            while (!stop.IsCancellationRequested)
            {
                queue.TryEnqueue(i++);
                queue.TryDequeue(out _);
            }
        }, TaskCreationOptions.LongRunning);
        CliResult result;
        try
        {
            result = Cli.Run("watch", "flow", "--dir", _dir.Root, "--count", "3", "--interval", "300ms", "--json").ShouldSucceed();
        }
        finally
        {
            stop.Cancel();
            await traffic;
        }

        List<JsonElement> samples = result.JsonLines();
        Assert.Equal(3, samples.Count);
        Assert.False(samples[0].TryGetProperty("rates", out _));
        foreach (JsonElement later in samples.Skip(1))
        {
            Assert.True(later.GetProperty("rates").GetProperty("enqueued").GetDouble() > 0);
            Assert.True(later.GetProperty("rates").GetProperty("dequeued").GetDouble() > 0);
        }
        Assert.True(samples[2].GetProperty("metrics").GetProperty("enqueued").GetInt64() > samples[0].GetProperty("metrics").GetProperty("enqueued").GetInt64());
    }

    [Fact]
    public void Redirected_output_is_plain_lines_one_per_segment_and_refresh()
    {
        using var a = ShmQueue<long>.CreateNew("a", 8, _dir.Options);
        using var b = ShmByteQueue.CreateNew("b", 8, 4096, _dir.Options);

        string text = Cli.Run("watch", _dir.Root, "--count", "2", "--interval", "20ms").ShouldSucceed().Out;

        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(4, lines.Length);
        Assert.DoesNotContain('\u001b', text);
        Assert.Equal(2, lines.Count(l => l.Contains(" a fill=0/8")));
        Assert.Equal(2, lines.Count(l => l.Contains(" b fill=0/8")));
        Assert.Contains(lines, l => l.Contains("enqueued=0/s"));
    }

    [Fact]
    public void On_a_terminal_each_refresh_redraws_the_screen()
    {
        using var queue = ShmQueue<long>.CreateNew("screen", 8, _dir.Options);

        string text = Cli.Run(isTerminal: true, CancellationToken.None, "watch", "screen", "--dir", _dir.Root, "--count", "3", "--interval", "20ms").ShouldSucceed().Out;

        Assert.Equal(3, text.Split("\u001b[H\u001b[2J").Length - 1);
        Assert.Contains("RATES", text);
    }

    [Fact]
    public async Task Cancellation_ends_an_endless_watch_with_success()
    {
        using var queue = ShmQueue<long>.CreateNew("endless", 8, _dir.Options);
        using var cancel = new CancellationTokenSource();

        Task<CliResult> watch = Task.Run(() => Cli.Run(false, cancel.Token, "watch", "endless", "--dir", _dir.Root, "--interval", "20ms"));
        cancel.CancelAfter(TimeSpan.FromMilliseconds(200));

        CliResult result = await watch.WaitAsync(TimeSpan.FromSeconds(30)); // TimeoutException: watch ignored the cancellation
        Assert.Equal(0, result.ExitCode);
        Assert.NotEmpty(result.Out);
    }

    [Fact]
    public void Watching_a_missing_segment_fails_at_once()
    {
        Cli.Run("watch", "missing", "--dir", _dir.Root, "--count", "1").ShouldFailWith(ExitCodes.NotFound);
    }
}
