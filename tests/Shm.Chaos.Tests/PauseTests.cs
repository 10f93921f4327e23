using Xunit.Abstractions;

namespace Shm.Chaos.Tests;

/// <summary>Paused owners: a victim stopped at an armed point for longer than every recovery bound, then resumed.</summary>
public sealed class PauseTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("shm-chaos-test-").FullName;

    /// <summary>Points where a stopped process holds a lock, a slot or a claim (the campaign's pause selection).</summary>
    public static TheoryData<string> Points(bool pubSub)
    {
        var data = new TheoryData<string>();
        foreach (FaultPointInfo point in FaultPointCatalog.All())
        {
            if (Campaign.IsPausePoint(point) && (point.Primitive == "pubsub") == pubSub)
                data.Add(point.Name);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Points), false)]
    public void A_stopped_owner_is_never_declared_dead_and_loses_or_duplicates_nothing(string point)
    {
        KillRow row = new KillCampaign(_work, output.WriteLine).RunPaused(FaultPointCatalog.Describe(point), 1, point.Length);
        Assert.Empty(row.Errors);
        Assert.Equal(0, row.Torn);
        Assert.Equal(0, row.Dup);
        Assert.Equal(0, row.Lost);
    }

    /// <summary>
    /// ShmPubSub&lt;T&gt; is the documented exception: readers skip a position a live publisher holds for longer than
    /// StalledPublisherTimeout (1 s), so a stopped publisher cannot stall them forever; its message is then lost, never
    /// duplicated or torn.
    /// </summary>
    [Theory]
    [MemberData(nameof(Points), true)]
    public void A_stopped_pubsub_publisher_is_skipped_after_the_stall_timeout_losing_at_most_its_message(string point)
    {
        KillRow row = new KillCampaign(_work, output.WriteLine).RunPaused(FaultPointCatalog.Describe(point), 1, point.Length);
        Assert.Empty(row.Errors);
        Assert.Equal(0, row.Torn);
        Assert.Equal(0, row.Dup);
        Assert.InRange(row.Lost, 0, VictimWorker.Batch);
        Assert.Equal(KillCampaign.PausedLossBound(FaultPointCatalog.Describe(point), 1), row.LossBound);
        Assert.True(row.Holds);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
