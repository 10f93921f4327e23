using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shm.Examples.Cluster;

/// <summary>The end of <c>--compare</c>: the shm run and the TCP run side by side, passed only if both passed.</summary>
internal sealed record ComparisonSummary(
    [property: JsonPropertyName("shm")] Summary Shm,
    [property: JsonPropertyName("tcp")] Summary Tcp)
{
    [JsonPropertyName("passed")] public bool Passed => Shm.Passed && Tcp.Passed;

    public void Print()
    {
        static string Ms(double? value) => value is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:N1} ms") : "-";
        static string N(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:N0}");
        static string Us(double value) => string.Create(CultureInfo.InvariantCulture, $"{value:N1} us");
        var rows = new (string Name, Func<Summary, string> Value)[]
        {
            ("jobs/s (whole run)", s => N(s.JobsPerSecond)),
            ("jobs/s (before the kill)", s => s.JobsPerSecondBeforeKill is { } v ? N(v) : "-"),
            ("messages/s", s => N(s.MessagesPerSecond)),
            ("ask p50 (workers busy)", s => Us(s.AskP50) + (s.AsksUnderLoad ? "" : " (all)")),
            ("ask p99 (workers busy)", s => Us(s.AskP99) + (s.AsksUnderLoad ? "" : " (all)")),
            ("kill -9 to Terminated", s => Ms(s.DetectionMs)),
            ("kill -9 to recovered", s => Ms(s.RecoveryMs)),
            ("jobs re-sent", s => N(s.Resent)),
            ("duplicate reports", s => N(s.Duplicates)),
            ("progress events (lost)", s => $"{N(s.ProgressEvents)} ({N(s.EventsLost)})"),
            ("segments left", s => N(s.SegmentsLeft)),
            ("invariants", s => s.Passed ? "held" : "FAILED"),
        };
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {"compare: same settings",-28} {"shm",16} {"tcp",16}"));
        foreach ((string name, Func<Summary, string> value) in rows)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {name,-28} {value(Shm),16} {value(Tcp),16}"));
        Console.WriteLine($"  shm: {Shm.TransportUses}");
        Console.WriteLine($"  tcp: {Tcp.TransportUses}");
        Console.WriteLine(Passed ? "  PASSED: every invariant held in both runs"
            : $"  FAILED: {string.Join("; ", Shm.AllFailures.Select(f => "shm: " + f).Concat(Tcp.AllFailures.Select(f => "tcp: " + f)))}");
    }

    public void WriteJson(string path) => File.WriteAllText(path, JsonSerializer.Serialize(this, Summary.JsonOptions));
}
