using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Shm.Chaos;

/// <summary>The two tables, printed and as JSON with exactly the keys the campaign promises.</summary>
public static class Report
{
    public static string KillTable(IEnumerable<KillRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {"primitive",-14} | {"fault point",-32} | {"kills",5} | {"torn",4} | {"dup",4} | {"lost",5} | {"bound",5} | {"wedged",6} | {"recovery p50",12} | {"recovery p99",12} |");
        text.AppendLine("|----------------|----------------------------------|------:|-----:|-----:|------:|------:|-------:|-------------:|-------------:|");
        foreach (KillRow r in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Primitive,-14} | {r.Point,-32} | {r.Kills,5} | {r.Torn,4} | {r.Dup,4} | {r.Lost,5} | {r.LossBound,5} | {r.Wedged,6} | {r.RecoveryP50Ms,9:0.0} ms | {r.RecoveryP99Ms,9:0.0} ms |");
        return text.ToString();
    }

    public static string CorruptionTable(IEnumerable<CorruptionRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {"kind",-14} | {"mutations",10} | {"operations",10} | {"exceptions",10} | {"repairs",8} | {"crashes",7} |");
        text.AppendLine("|----------------|-----------:|-----------:|-----------:|---------:|--------:|");
        foreach (CorruptionRow r in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Kind,-14} | {r.Mutations,10} | {r.Operations,10} | {r.Exceptions,10} | {r.Repairs,8} | {r.Crashes,7} |");
        return text.ToString();
    }

    public static string TruncationTable(IEnumerable<TruncationRow> rows)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"| {"kind",-14} | {"truncations",11} | {"restored",8} | {"idle told",9} | {"idle faulted",12} | {"busy told",9} | {"busy faulted",12} |");
        text.AppendLine("|----------------|------------:|---------:|----------:|-------------:|----------:|-------------:|");
        foreach (TruncationRow r in rows)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {r.Kind,-14} | {r.Truncations,11} | {r.Restored,8} | {r.IdleTold,9} | {r.IdleFaulted,12} | {r.BusyTold,9} | {r.BusyFaulted,12} |");
        return text.ToString();
    }

    public static void WriteJson(string path, IEnumerable<KillRow> kills, IEnumerable<CorruptionRow> corruption, IEnumerable<TruncationRow> truncation)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteStartArray("kills");
        foreach (KillRow r in kills)
        {
            json.WriteStartObject();
            json.WriteString("primitive", r.Primitive);
            json.WriteString("point", r.Point);
            json.WriteNumber("kills", r.Kills);
            json.WriteNumber("torn", r.Torn);
            json.WriteNumber("dup", r.Dup);
            json.WriteNumber("lost", r.Lost);
            json.WriteNumber("wedged", r.Wedged);
            json.WriteNumber("recovery_p50_ms", Math.Round(r.RecoveryP50Ms, 3));
            json.WriteNumber("recovery_p99_ms", Math.Round(r.RecoveryP99Ms, 3));
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("corruption");
        foreach (CorruptionRow r in corruption)
        {
            json.WriteStartObject();
            json.WriteString("kind", r.Kind);
            json.WriteNumber("mutations", r.Mutations);
            json.WriteNumber("operations", r.Operations);
            json.WriteNumber("exceptions", r.Exceptions);
            json.WriteNumber("repairs", r.Repairs);
            json.WriteNumber("crashes", r.Crashes);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("truncation");
        foreach (TruncationRow r in truncation)
        {
            json.WriteStartObject();
            json.WriteString("kind", r.Kind);
            json.WriteNumber("truncations", r.Truncations);
            json.WriteNumber("restored", r.Restored);
            json.WriteNumber("idle_told", r.IdleTold);
            json.WriteNumber("idle_faulted", r.IdleFaulted);
            json.WriteNumber("busy_told", r.BusyTold);
            json.WriteNumber("busy_faulted", r.BusyFaulted);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
