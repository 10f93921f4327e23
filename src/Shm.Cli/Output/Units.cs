using System.Globalization;

namespace Shm.Cli.Output;

/// <summary>Human-readable numbers for the text output (JSON always carries exact values).</summary>
internal static class Units
{
    private static readonly string[] s_byteUnits = ["B", "KiB", "MiB", "GiB", "TiB"];
    private const double Kibi = 1024;

    public static string Bytes(long bytes)
    {
        double value = bytes;
        int unit = 0;
        while (value >= Kibi && unit < s_byteUnits.Length - 1)
        {
            value /= Kibi;
            unit++;
        }
        return unit == 0
            ? bytes.ToString(CultureInfo.InvariantCulture) + " B"
            : value.ToString("0.#", CultureInfo.InvariantCulture) + " " + s_byteUnits[unit];
    }

    /// <summary>A rate per second: "0", "12.5", "3.4K", "1.2M".</summary>
    public static string Rate(double perSecond) => perSecond switch
    {
        >= 1e9 => (perSecond / 1e9).ToString("0.0", CultureInfo.InvariantCulture) + "G",
        >= 1e6 => (perSecond / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + "M",
        >= 1e4 => (perSecond / 1e3).ToString("0.0", CultureInfo.InvariantCulture) + "K",
        _ => perSecond.ToString("0.#", CultureInfo.InvariantCulture),
    };

    public static string Pids(IReadOnlyCollection<int>? pids) =>
        pids is null || pids.Count == 0 ? "-" : string.Join(',', pids.Select(p => p.ToString(CultureInfo.InvariantCulture)));
}
