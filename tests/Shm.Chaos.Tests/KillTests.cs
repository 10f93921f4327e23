using Xunit.Abstractions;

namespace Shm.Chaos.Tests;

/// <summary>The quick kill campaign: every registered fault point, then random moments, per primitive.</summary>
public sealed class KillTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("shm-chaos-test-").FullName;

    /// <summary>One case per registered point: a point added to FaultPoints shows up here without editing this file.</summary>
    public static TheoryData<string> Points()
    {
        var data = new TheoryData<string>();
        foreach (FaultPointInfo point in FaultPointCatalog.All())
            data.Add(point.Name);
        return data;
    }

    public static TheoryData<string> Primitives() => [.. KillCampaign.Prefixes];

    [Fact]
    public void The_registry_lists_points_of_every_primitive_and_each_has_a_scenario()
    {
        IReadOnlyList<FaultPointInfo> points = FaultPointCatalog.All();
        Assert.All(KillCampaign.Prefixes, prefix => Assert.Contains(points, p => p.Primitive == prefix));
        Assert.All(points, p => Assert.Contains(p.Primitive, KillCampaign.Prefixes));
        Assert.All(points, p => Assert.True(FaultPointCatalog.IsArmable(p.Name), $"{p.Name} is declared but not in FaultPoints.All"));
    }

    [Theory]
    [MemberData(nameof(Points))]
    public void Kills_at_an_armed_point_leave_nothing_torn_duplicated_over_lost_or_wedged(string point)
    {
        KillRow row = new KillCampaign(_work, output.WriteLine).RunPoint(FaultPointCatalog.Describe(point), ChaosSize.Kills, StableSeed(point));
        AssertHolds(row, ChaosSize.Kills);
    }

    [Theory]
    [MemberData(nameof(Primitives))]
    public void Kills_at_random_moments_under_load_leave_nothing_torn_duplicated_over_lost_or_wedged(string primitive)
    {
        KillRow row = new KillCampaign(_work, output.WriteLine).RunRandomMoments(primitive, ChaosSize.RandomKills, StableSeed(primitive));
        AssertHolds(row, ChaosSize.RandomKills);
    }

    private static int StableSeed(string text) => text.Aggregate(17, (hash, c) => unchecked((hash * 31) + c));

    private static void AssertHolds(KillRow row, int kills)
    {
        Assert.Empty(row.Errors);
        Assert.Equal(kills, row.Kills);
        Assert.Equal(0, row.Torn);
        Assert.Equal(0, row.Dup);
        Assert.Equal(0, row.Wedged);
        Assert.InRange(row.Lost, 0, row.LossBound);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
