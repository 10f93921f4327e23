using Xunit.Abstractions;

namespace Shm.Chaos.Tests;

/// <summary>The quick truncation campaign: live file-backed segments of every kind truncated under an idle and a busy user.</summary>
public sealed class TruncationTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _work = Directory.CreateTempSubdirectory("shm-chaos-test-").FullName;

    public static TheoryData<string> Kinds() => [.. CorruptionCampaign.Kinds];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void A_truncated_segment_gets_its_size_back_and_its_users_are_told(string kind)
    {
        int rounds = ChaosSize.Truncations;
        TruncationRow row = new TruncationCampaign(_work, output.WriteLine).Run(kind, rounds, kind.Length * 104729);
        Assert.Empty(row.Errors); // no hang, no undocumented exception, every idle user's file grown back
        Assert.Equal(rounds, row.IdleTold + row.IdleFaulted);
        Assert.True(row.IdleTold > 0, "no idle user was told of the truncation");
        Assert.Equal(rounds, row.BusyTold + row.BusyFaulted);
    }

    public void Dispose() => Directory.Delete(_work, recursive: true);
}
