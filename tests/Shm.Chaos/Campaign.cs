namespace Shm.Chaos;

/// <summary>Runs every part of the campaign and prints the tables.</summary>
public static class Campaign
{
    public sealed record Result(IReadOnlyList<KillRow> Kills, IReadOnlyList<CorruptionRow> Corruption, IReadOnlyList<string> Failures);

    public static int Run(CampaignOptions options, Action<string> output)
    {
        Result result = Execute(options, output);
        output("");
        output(Report.KillTable(result.Kills));
        output(Report.CorruptionTable(result.Corruption));
        if (options.JsonPath is not null)
            Report.WriteJson(options.JsonPath, result.Kills, result.Corruption);
        foreach (string failure in result.Failures)
            output("FAIL " + failure);
        output(result.Failures.Count == 0 ? "all goals hold" : $"{result.Failures.Count} goal(s) failed");
        return result.Failures.Count == 0 ? 0 : 1;
    }

    public static Result Execute(CampaignOptions options, Action<string> output)
    {
        string work = Directory.CreateTempSubdirectory("shm-chaos-").FullName;
        var kills = new List<KillRow>();
        var corruption = new List<CorruptionRow>();
        var failures = new List<string>();
        try
        {
            var campaign = new KillCampaign(work, output);
            output($"armed-point kills ({options.KillsPerPoint} per point):");
            int seed = options.Seed;
            foreach (FaultPointInfo point in FaultPointCatalog.All())
            {
                if (options.Only is not null && point.Primitive != options.Only)
                    continue;
                kills.Add(campaign.RunPoint(point, options.KillsPerPoint, seed++));
            }
            output($"random-moment kills ({options.RandomKills} per primitive):");
            foreach (string prefix in KillCampaign.Prefixes)
            {
                if ((options.Only is null || prefix == options.Only) && options.RandomKills > 0)
                    kills.Add(campaign.RunRandomMoments(prefix, options.RandomKills, seed++));
            }
            foreach (KillRow row in kills)
            {
                foreach (string error in row.Errors)
                    failures.Add($"{row.Point}: {error}");
                if (row.Torn != 0 || row.Dup != 0 || row.Lost > row.LossBound || row.Wedged != 0)
                    failures.Add($"{row.Point}: torn {row.Torn}, dup {row.Dup}, lost {row.Lost} (bound {row.LossBound}), wedged {row.Wedged}");
                if (row.RecoveryP99Ms > Goals.RecoveryP99Ms)
                    failures.Add($"{row.Point}: recovery p99 {row.RecoveryP99Ms:0.0} ms above {Goals.RecoveryP99Ms} ms");
            }
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
        return new Result(kills, corruption, failures);
    }
}

/// <summary>The numbers the campaign holds the primitives to (issue 7).</summary>
public static class Goals
{
    public const double RecoveryP99Ms = 50;
}

/// <summary>One row of the corruption table.</summary>
public sealed record CorruptionRow(string Kind, long Mutations, long Operations, long Exceptions, long Repairs, long Crashes, IReadOnlyList<string> Errors);
