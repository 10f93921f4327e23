namespace Shm.Primitives;

/// <summary>Sizes used to keep words that different processes write apart.</summary>
internal static class CacheLine
{
    /// <summary>One cache line on x86-64 and the arm64 parts we run on.</summary>
    public const int Size = 64;

    /// <summary>
    /// Two lines: the adjacent-line prefetcher pulls lines in pairs, so a hot word written by one side
    /// gets a whole pair to itself.
    /// </summary>
    public const int PairSize = 128;

    public static long RoundUpToPair(long value) => (value + PairSize - 1) & ~(long)(PairSize - 1);
}
