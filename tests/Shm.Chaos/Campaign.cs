namespace Shm.Chaos;

/// <summary>Runs every part of the campaign and prints the tables.</summary>
public static class Campaign
{
    public sealed record Result(IReadOnlyList<KillRow> Kills, IReadOnlyList<CorruptionRow> Corruption, IReadOnlyList<TruncationRow> Truncation, IReadOnlyList<string> Failures);

    public static int Run(CampaignOptions options, Action<string> output)
    {
        Result result = Execute(options, output);
        output("");
        output(Report.KillTable(result.Kills));
        output(Report.CorruptionTable(result.Corruption));
        output(Report.TruncationTable(result.Truncation));
        if (options.JsonPath is not null)
            Report.WriteJson(options.JsonPath, result.Kills, result.Corruption, result.Truncation);
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
        var truncation = new List<TruncationRow>();
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
                if (options.KillsPerPoint > 0)
                    kills.Add(campaign.RunPoint(point, options.KillsPerPoint, seed++));
            }
            output($"random-moment kills ({options.RandomKills} per primitive):");
            foreach (string prefix in KillCampaign.Prefixes)
            {
                if ((options.Only is null || prefix == options.Only) && options.RandomKills > 0)
                    kills.Add(campaign.RunRandomMoments(prefix, options.RandomKills, seed++));
            }
            output($"paused owners ({options.PausesPerPrimitive} per point, {KillCampaign.PauseLength.TotalSeconds} s each):");
            foreach (FaultPointInfo point in FaultPointCatalog.All())
            {
                if ((options.Only is null || point.Primitive == options.Only) && options.PausesPerPrimitive > 0 && IsPausePoint(point))
                    kills.Add(campaign.RunPaused(point, options.PausesPerPrimitive, seed++));
            }
            var mutation = new CorruptionCampaign(work, output);
            output($"corruption ({options.Mutations} mutations per kind):");
            foreach (string kind in CorruptionCampaign.Kinds)
            {
                if ((options.Only is null || kind == options.Only) && options.Mutations > 0)
                    corruption.Add(mutation.Run(kind, options.Mutations, CorruptionSeconds(options.Mutations), seed++));
            }
            var truncator = new TruncationCampaign(work, output);
            output($"truncation ({options.TruncationsPerKind} per kind; busy users that touch a lost page before the regrow fault, as documented):");
            foreach (string kind in CorruptionCampaign.Kinds)
            {
                if ((options.Only is null || kind == options.Only) && options.TruncationsPerKind > 0)
                    truncation.Add(truncator.Run(kind, options.TruncationsPerKind, seed++));
            }
            foreach (TruncationRow row in truncation)
            {
                foreach (string error in row.Errors)
                    failures.Add($"truncation {row.Kind}: {error}");
            }
            foreach (CorruptionRow row in corruption)
            {
                foreach (string error in row.Errors)
                    failures.Add($"corruption {row.Kind}: {error}");
                if (row.Crashes != 0)
                    failures.Add($"corruption {row.Kind}: {row.Crashes} crash(es)");
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
        foreach (string leaked in LeakCheck.Segments().Concat(LeakCheck.Memfds()))
            failures.Add($"leak: {leaked} is left after the campaign");
        output($"leak check: {(failures.Any(f => f.StartsWith("leak", StringComparison.Ordinal)) ? "FAILED" : "no segment or memfd left")}");
        return new Result(kills, corruption, truncation, failures);
    }

    /// <summary>
    /// Points paused by the campaign: those where the stopped process holds its lock, slot or claim before anything is
    /// committed (the later steps of the same lock hold add nothing a pause could expire).
    /// </summary>
    public static bool IsPausePoint(FaultPointInfo point) => point.Step is not "applying" and not "committed";

    /// <summary>How long the mutations of one kind are spread over: 2 s for the quick run, up to a minute for a million.</summary>
    public static double CorruptionSeconds(long mutations) => Math.Clamp(mutations / 20_000.0, 2, 60);
}

/// <summary>The numbers the campaign holds the primitives to (issue 7).</summary>
public static class Goals
{
    public const double RecoveryP99Ms = 50;
}

/// <summary>One row of the corruption table.</summary>
public sealed record CorruptionRow(string Kind, long Mutations, long Operations, long Exceptions, long Repairs, long Crashes, IReadOnlyList<string> Errors);
