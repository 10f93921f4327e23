namespace Shm.Chaos.Tests;

/// <summary>After a short campaign of every part, nothing it created is left in /dev/shm or as an open memfd.</summary>
public sealed class LeakTests
{
    [Fact]
    public void A_campaign_leaves_no_segment_and_no_memfd_behind()
    {
        var options = CampaignOptions.Quick with { KillsPerPoint = 1, RandomKills = 1, Mutations = 500, Only = "bytequeue" };
        Campaign.Result result = Campaign.Execute(options, _ => { });
        Assert.Empty(result.Failures);
        Assert.Empty(LeakCheck.Segments());
        Assert.Empty(LeakCheck.Memfds());
    }
}
