using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shm.Examples.Cluster;

/// <summary>The end of a run: the figures, the invariants and whether they held.</summary>
internal sealed record Summary
{
    [JsonPropertyName("system")] public required string System { get; init; }
    [JsonPropertyName("transport")] public required string Transport { get; init; }
    [JsonPropertyName("transport_uses")] public required string TransportUses { get; init; }
    [JsonPropertyName("workers")] public required int Workers { get; init; }
    [JsonPropertyName("jobs")] public required int Jobs { get; init; }
    [JsonPropertyName("jobs_completed")] public required long Completed { get; init; }
    [JsonPropertyName("jobs_missing")] public required long Missing { get; init; }
    [JsonPropertyName("duplicate_reports")] public required long Duplicates { get; init; }
    [JsonPropertyName("duplicates_allowed")] public required long DuplicatesAllowed { get; init; }
    [JsonPropertyName("jobs_resent")] public required long Resent { get; init; }
    [JsonPropertyName("messages")] public required long Messages { get; init; }
    [JsonPropertyName("elapsed_s")] public required double ElapsedSeconds { get; init; }
    [JsonPropertyName("messages_per_s")] public required double MessagesPerSecond { get; init; }
    [JsonPropertyName("jobs_per_s")] public required double JobsPerSecond { get; init; }
    [JsonPropertyName("jobs_per_s_before_kill")] public double? JobsPerSecondBeforeKill { get; init; }
    [JsonPropertyName("asks")] public required int Asks { get; init; }
    [JsonPropertyName("asks_measured")] public required int AsksMeasured { get; init; }
    [JsonPropertyName("asks_measured_under_load")] public required bool AsksUnderLoad { get; init; }
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

    public static Summary Of(ClusterSettings settings, string system, RunState state, AskFigures asks, long askFailures,
        bool interrupted, bool timedOut, string? stoppedBy = null)
    {
        long end = state.AllDoneAt != 0 ? state.AllDoneAt : Stopwatch.GetTimestamp();
        double elapsed = state.FirstJobAt == 0 ? 0 : Stopwatch.GetElapsedTime(state.FirstJobAt, end).TotalSeconds;
        long completed = Interlocked.Read(ref state.Completed);
        long messages = state.JobsSent + state.ReportsReceived + state.ProgressEvents + 2L * asks.Answered;
        // The shm mailbox delivers the message in hand at a kill again (at-least-once): one report may come twice.
        long duplicatesAllowed = state.KilledAt != 0 && settings.Transport == ClusterTransport.Shm ? 1 : 0;
        var failures = new List<string>();
        if (stoppedBy is not null)
            failures.Add($"the run stopped: {stoppedBy}");
        if (interrupted)
            failures.Add("interrupted (Ctrl+C)");
        if (timedOut)
            failures.Add($"the run did not finish within {settings.Duration.TotalSeconds:F0} s");
        if (completed != settings.Jobs)
            failures.Add($"{settings.Jobs - completed} jobs never completed");
        if (state.Duplicates > duplicatesAllowed)
            failures.Add($"{state.Duplicates} jobs were reported twice ({duplicatesAllowed} allowed)");
        if (settings.Chaos && state.KilledAt == 0)
            failures.Add("the chaos kill never happened");
        if (settings.Chaos && state.KilledAt != 0 && state.RecoveredAt == 0)
            failures.Add("the killed worker's replacement never recovered its jobs");
        double beforeKill = state.KilledAt == 0 || state.FirstJobAt == 0 ? 0 : Stopwatch.GetElapsedTime(state.FirstJobAt, state.KilledAt).TotalSeconds;
        return new Summary
        {
            System = system,
            Transport = settings.Transport == ClusterTransport.Tcp ? "tcp" : "shm",
            TransportUses = ClusterConfig.Describe(settings.Transport),
            Workers = settings.Workers,
            Jobs = settings.Jobs,
            Completed = completed,
            Missing = settings.Jobs - completed,
            Duplicates = state.Duplicates,
            DuplicatesAllowed = duplicatesAllowed,
            Resent = state.Resent,
            Messages = messages,
            ElapsedSeconds = Math.Round(elapsed, 3),
            MessagesPerSecond = elapsed > 0 ? Math.Round(messages / elapsed) : 0,
            JobsPerSecond = elapsed > 0 ? Math.Round(completed / elapsed) : 0,
            JobsPerSecondBeforeKill = beforeKill > 0 ? Math.Round(state.CompletedAtKill / beforeKill) : null,
            Asks = asks.Answered,
            AsksMeasured = asks.Measured,
            AsksUnderLoad = asks.UnderLoad,
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

    /// <summary>The failures, the segments left among them.</summary>
    [JsonIgnore]
    public IEnumerable<string> AllFailures => SegmentsLeft > 0 ? Failures.Append($"{SegmentsLeft} segments left") : Failures;

    public void Print()
    {
        static string Ms(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:F1} ms") : "-";
        var rows = new (string, string)[]
        {
            ("transport", $"{Transport}: {TransportUses}"),
            ("jobs completed exactly once", $"{Completed:N0} of {Jobs:N0} (missing {Missing}, reported twice {Duplicates} of {DuplicatesAllowed} allowed, re-sent after the kill {Resent})"),
            ("messages", $"{Messages:N0} in {ElapsedSeconds:F2} s ({MessagesPerSecond:N0} msgs/s, {JobsPerSecond:N0} jobs/s"
                + (JobsPerSecondBeforeKill is { } before ? $"; {before:N0} jobs/s before the kill)" : ")")),
            ("asks", $"{Asks:N0} answered, {AskFailures} failed; p50 {AskP50:F1} us, p99 {AskP99:F1} us over "
                + (AsksUnderLoad ? $"the {AsksMeasured} sent while every worker was busy{(KilledNode is null ? "" : " (before the kill)")}" : "all")),
            ("progress events (pub/sub)", $"{ProgressEvents:N0} received, {EventsLost} lost (reported)"),
            ("chaos", !Chaos ? "off"
                : KilledNode is null ? "on, but the run ended before the kill"
                : $"kill -9 {KilledNode}: Terminated after {Ms(DetectionMs)}, replacement registered after {Ms(ReplacementJoinedMs)}, its jobs recovered after {Ms(RecoveryMs)}"),
            ("segments", $"{SegmentsRemoved} removed, {SegmentsLeft} left"),
        };
        Console.WriteLine();
        foreach ((string name, string value) in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-28} {value}"));
        Console.WriteLine(Passed ? "  PASSED: every invariant held" : $"  FAILED: {string.Join("; ", AllFailures)}");
    }

    public void WriteJson(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, JsonOptions));

    public static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };
}
