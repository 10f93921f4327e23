using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shm.Examples.Cluster;

/// <summary>The end of a run: the figures, the invariants and whether they held.</summary>
internal sealed record Summary
{
    [JsonPropertyName("system")] public required string System { get; init; }
    [JsonPropertyName("workers")] public required int Workers { get; init; }
    [JsonPropertyName("jobs")] public required int Jobs { get; init; }
    [JsonPropertyName("jobs_completed")] public required long Completed { get; init; }
    [JsonPropertyName("jobs_missing")] public required long Missing { get; init; }
    [JsonPropertyName("duplicate_reports")] public required long Duplicates { get; init; }
    [JsonPropertyName("jobs_reassigned")] public required long Reassigned { get; init; }
    [JsonPropertyName("messages")] public required long Messages { get; init; }
    [JsonPropertyName("elapsed_s")] public required double ElapsedSeconds { get; init; }
    [JsonPropertyName("messages_per_s")] public required double MessagesPerSecond { get; init; }
    [JsonPropertyName("jobs_per_s")] public required double JobsPerSecond { get; init; }
    [JsonPropertyName("asks")] public required int Asks { get; init; }
    [JsonPropertyName("ask_failures")] public required long AskFailures { get; init; }
    [JsonPropertyName("ask_p50_us")] public required double AskP50 { get; init; }
    [JsonPropertyName("ask_p99_us")] public required double AskP99 { get; init; }
    [JsonPropertyName("progress_events")] public required long ProgressEvents { get; init; }
    [JsonPropertyName("events_lost")] public required long EventsLost { get; init; }
    [JsonPropertyName("chaos")] public required bool Chaos { get; init; }
    [JsonPropertyName("killed_node")] public string? KilledNode { get; init; }
    [JsonPropertyName("detection_ms")] public double? DetectionMs { get; init; }
    [JsonPropertyName("replacement_joined_ms")] public double? ReplacementJoinedMs { get; init; }
    [JsonPropertyName("recovery_ms")] public double? RecoveryMs { get; init; }
    [JsonPropertyName("interrupted")] public required bool Interrupted { get; init; }
    [JsonPropertyName("segments_removed")] public int SegmentsRemoved { get; init; }
    [JsonPropertyName("segments_left")] public int SegmentsLeft { get; init; }
    [JsonPropertyName("failures")] public required IReadOnlyList<string> Failures { get; init; }

    [JsonPropertyName("passed")] public bool Passed => Failures.Count == 0 && SegmentsLeft == 0;

    public static Summary Of(ClusterSettings settings, string system, RunState state, (int Count, double P50, double P99) asks, long askFailures, bool interrupted)
    {
        double elapsed = Stopwatch.GetElapsedTime(state.Started).TotalSeconds;
        long completed = Interlocked.Read(ref state.Completed);
        long messages = state.JobsSent + state.ReportsReceived + state.ProgressEvents + 2L * asks.Count;
        var failures = new List<string>();
        if (interrupted)
            failures.Add("interrupted (Ctrl+C)");
        if (completed != settings.Jobs)
            failures.Add($"{settings.Jobs - completed} jobs never completed");
        if (state.Duplicates != 0)
            failures.Add($"{state.Duplicates} jobs were reported twice");
        if (settings.Chaos && state.KilledAt == 0)
            failures.Add("the chaos kill never happened");
        if (settings.Chaos && state.KilledAt != 0 && state.RecoveredAt == 0)
            failures.Add("the killed worker's replacement never took its ring over");
        return new Summary
        {
            System = system,
            Workers = settings.Workers,
            Jobs = settings.Jobs,
            Completed = completed,
            Missing = settings.Jobs - completed,
            Duplicates = state.Duplicates,
            Reassigned = state.Reassigned,
            Messages = messages,
            ElapsedSeconds = Math.Round(elapsed, 3),
            MessagesPerSecond = Math.Round(messages / elapsed),
            JobsPerSecond = Math.Round(completed / elapsed),
            Asks = asks.Count,
            AskFailures = askFailures,
            AskP50 = Math.Round(asks.P50, 1),
            AskP99 = Math.Round(asks.P99, 1),
            ProgressEvents = state.ProgressEvents,
            EventsLost = state.EventsLost,
            Chaos = settings.Chaos,
            KilledNode = state.KilledNode,
            DetectionMs = Round(RunState.Milliseconds(state.KilledAt, state.DownSeenAt)),
            ReplacementJoinedMs = Round(RunState.Milliseconds(state.KilledAt, state.ReplacementUpAt)),
            RecoveryMs = Round(RunState.Milliseconds(state.KilledAt, state.RecoveredAt)),
            Interrupted = interrupted,
            Failures = failures,
        };
    }

    private static double? Round(double? value) => value is { } v ? Math.Round(v, 2) : null;

    public void Print()
    {
        static string Ms(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:F1} ms") : "-";
        var rows = new (string, string)[]
        {
            ("jobs completed exactly once", $"{Completed:N0} of {Jobs:N0} (missing {Missing}, reported twice {Duplicates}, re-assigned after the kill {Reassigned})"),
            ("messages", $"{Messages:N0} in {ElapsedSeconds:F2} s ({MessagesPerSecond:N0} msgs/s, {JobsPerSecond:N0} jobs/s)"),
            ("asks (response slots)", $"{Asks:N0} answered, {AskFailures} failed; p50 {AskP50:F1} us, p99 {AskP99:F1} us"),
            ("progress events (pub/sub)", $"{ProgressEvents:N0} received, {EventsLost} lost (reported)"),
            ("chaos", !Chaos ? "off"
                : KilledNode is null ? "on, but the run ended before the kill"
                : $"kill -9 {KilledNode}: seen down after {Ms(DetectionMs)}, replacement joined after {Ms(ReplacementJoinedMs)}, its ring taken over after {Ms(RecoveryMs)}"),
            ("segments", $"{SegmentsRemoved} removed, {SegmentsLeft} left"),
        };
        Console.WriteLine();
        foreach ((string name, string value) in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-28} {value}"));
        Console.WriteLine(Passed ? "  PASSED: every invariant held" : $"  FAILED: {string.Join("; ", Failures.Append(SegmentsLeft > 0 ? $"{SegmentsLeft} segments left" : "").Where(f => f.Length > 0))}");
    }

    public void WriteJson(string path) =>
        File.WriteAllText(path, JsonSerializer.Serialize(this, new JsonSerializerOptions { WriteIndented = true }));
}
