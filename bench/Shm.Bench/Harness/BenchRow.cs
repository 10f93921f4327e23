namespace Shm.Bench.Harness;

/// <summary>One line of a suite's result table: our measure beside its baseline, both taken in the same run.</summary>
/// <param name="Id">Stable identifier, e.g. <c>queue.xproc.1p1c</c>.</param>
/// <param name="Value">Our measured value.</param>
/// <param name="Unit">Unit of both values (e.g. <c>items/s</c>, <c>us</c>).</param>
/// <param name="Baseline">What the baseline is, or null when the row has none.</param>
/// <param name="BaselineValue">The baseline's value in the same unit, or null.</param>
/// <param name="HigherIsBetter">
/// True for rates; false for latencies. The ratio is always "how many times better we are":
/// ours / baseline for rates, baseline / ours for latencies.
/// </param>
public sealed record BenchRow(string Id, double Value, string Unit, string? Baseline, double? BaselineValue, bool HigherIsBetter = true)
{
    public double? Ratio => BaselineValue is { } b && b > 0 && Value > 0
        ? (HigherIsBetter ? Value / b : b / Value)
        : null;
}
