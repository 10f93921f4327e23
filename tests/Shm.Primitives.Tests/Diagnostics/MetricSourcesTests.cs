using Shm.Primitives.Diagnostics;

namespace Shm.Primitives.Tests.Diagnostics;

/// <summary>What a collection of observable instruments reports while one source cannot be read.</summary>
public sealed class MetricSourcesTests
{
    [Fact]
    public void A_source_whose_segment_reads_as_corrupt_is_left_out_and_the_others_are_still_reported()
    {
        var sources = new MetricSources<long>();
        using IDisposable good = sources.Register("good", () => 7);
        using IDisposable truncated = sources.Register("truncated", () => throw new ShmCorruptedException("truncated by another process"));

        var measured = sources.Observe(value => value).ToList();

        var only = Assert.Single(measured);
        Assert.Equal(7, only.Value);
        Assert.Equal("good", only.Tags[0].Value);
    }
}
