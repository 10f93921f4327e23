using Xunit.Abstractions;

namespace Shm.Chaos.Tests;

/// <summary>The quick corruption campaign: a mutator process writes garbage into live segments of every kind.</summary>
public sealed class CorruptionTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("shm-chaos-test-").FullName;

    public static TheoryData<string> Kinds() => [.. CorruptionCampaign.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Garbage_in_a_live_segment_never_crashes_a_user(string kind)
    {
        CorruptionRow row = new CorruptionCampaign(_work, output.WriteLine).Run(kind, ChaosSize.Mutations, Campaign.CorruptionSeconds(ChaosSize.Mutations), kind.Length * 7919);
        Assert.Empty(row.Errors);
        Assert.Equal(0, row.Crashes);
        Assert.Equal(ChaosSize.Mutations, row.Mutations);
        Assert.True(row.Operations > 0, "the users made no operation at all");
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
