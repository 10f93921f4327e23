using System.Globalization;
using System.Text.Json;

namespace Shm.Bench.Harness;

/// <summary>Prints rows as an aligned table and writes them as the JSON contract of the issues.</summary>
public static class ResultTable
{
    public static void Print(IReadOnlyList<BenchRow> rows, TextWriter output)
    {
        string[] header = ["measure", "ours", "unit", "baseline", "baseline value", "ratio"];
        var cells = rows.Select(r => new[]
        {
            r.Id, Format(r.Value), r.Unit, r.Baseline ?? "-", r.BaselineValue is { } b ? Format(b) : "-",
            r.Ratio is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) + "x" : "-",
        }).ToList();
        int[] widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        output.WriteLine(Line(header, widths));
        output.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (string[] c in cells) output.WriteLine(Line(c, widths));
    }

    public static void WriteJson(IReadOnlyList<BenchRow> rows, string path)
    {
        var items = rows.Select(r => new Dictionary<string, object?>
        {
            ["id"] = r.Id, ["value"] = r.Value, ["unit"] = r.Unit, ["baseline"] = r.Baseline,
            ["baseline_value"] = r.BaselineValue, ["ratio"] = r.Ratio,
        });
        File.WriteAllText(path, JsonSerializer.Serialize(items, new JsonSerializerOptions { WriteIndented = true }));
    }

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i is 1 or 4 or 5 ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();

    private static string Format(double v) => Math.Abs(v) switch
    {
        >= 1e9 => (v / 1e9).ToString("0.00", CultureInfo.InvariantCulture) + "G",
        >= 1e6 => (v / 1e6).ToString("0.00", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (v / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "K",
        _ => v.ToString("0.###", CultureInfo.InvariantCulture),
    };
}
