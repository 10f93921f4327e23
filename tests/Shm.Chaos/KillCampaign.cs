using System.Diagnostics;
using System.Globalization;
using Shm.Chaos.Scenarios;

namespace Shm.Chaos;

/// <summary>One row of the kill table.</summary>
public sealed record KillRow(string Primitive, string Point, int Kills, long Torn, long Dup, long Lost, long LossBound, int Wedged,
    double RecoveryP50Ms, double RecoveryP99Ms, IReadOnlyList<string> Errors)
{
    /// <summary>Whether the row meets the campaign's goals (the recovery bound is checked by the caller).</summary>
    public bool Holds => Torn == 0 && Dup == 0 && Lost <= LossBound && Wedged == 0 && Errors.Count == 0;
}

/// <summary>
/// Kills at armed fault points and at random moments: per point, victims are started with the point armed at a
/// random hit, die there by SIGKILL, and after each death the survivors are stopped, recovery is probed and timed
/// (from the death being observed to the completion of an operation that needed what the dead process held), the
/// structure checks itself, and the victim's log joins the ledger.
/// </summary>
public sealed class KillCampaign(string workDirectory, Action<string> report)
{
    public static readonly TimeSpan WedgeTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_handshake = TimeSpan.FromSeconds(60);
    private static int s_segmentCounter;

    public static string NewSegmentName(string purpose) =>
        $"shmchaos-{Environment.ProcessId}-{Interlocked.Increment(ref s_segmentCounter)}-{purpose}";

    /// <summary>The scenario for a primitive prefix, or null when the campaign has none.</summary>
    public static Scenario? CreateScenario(string prefix) => prefix switch
    {
        "queue" => new QueueScenario(NewSegmentName("q")),
        "bytequeue" => new ByteQueueScenario(NewSegmentName("bq")),
        "pubsub" => new PubSubScenario(NewSegmentName("ps")),
        "bytepubsub" => new BytePubSubScenario(NewSegmentName("bps")),
        "reqrep" => new ReqRepScenario(NewSegmentName("rr")),
        _ => null,
    };

    public static readonly string[] Prefixes = ["queue", "bytequeue", "pubsub", "bytepubsub", "reqrep"];

    public KillRow RunPoint(FaultPointInfo point, int kills, int seed)
    {
        using Scenario? scenario = CreateScenario(point.Primitive);
        if (scenario is null)
            return new KillRow(point.Primitive, point.Name, 0, 0, 0, 0, 0, 0, 0, 0, [$"no scenario for primitive '{point.Primitive}'"]);
        if (!FaultPointCatalog.IsArmable(point.Name))
            return new KillRow(scenario.Primitive, point.Name, 0, 0, 0, 0, 0, 0, 0, 0, [$"{point.Name} is declared but not in FaultPoints.All, so it cannot be armed"]);
        var random = new Random(seed);
        string operation = scenario.VictimOperation(point);
        return Run(scenario, point.Name, kills, random, k =>
        {
            int hit = random.Next(1, scenario.MaxHit + 1);
            return ($"{point.Name}:{hit}:kill", operation);
        });
    }

    /// <summary>Victims running every operation of the primitive, SIGKILLed after a random delay under full load.</summary>
    public KillRow RunRandomMoments(string prefix, int kills, int seed)
    {
        using Scenario scenario = CreateScenario(prefix) ?? throw new ArgumentException(prefix);
        var random = new Random(seed);
        return Run(scenario, "(random moment)", kills, random, k => (null, prefix == "reqrep" ? (k % 2 == 0 ? "client" : "server") : "mixed"));
    }

    private KillRow Run(Scenario scenario, string pointName, int kills, Random random, Func<int, (string? Fault, string Operation)> plan)
    {
        var recoveries = new List<double>();
        var errors = new List<string>();
        int wedged = 0, done = 0;
        scenario.StartSurvivors();
        bool survivorsRunning = true;
        for (int k = 0; k < kills && wedged == 0 && errors.Count == 0; k++)
        {
            (string? fault, string operation) = plan(k);
            string log = Path.Combine(workDirectory, $"{scenario.SegmentName}-victim{k}.log");
            if (!survivorsRunning)
            {
                scenario.StartSurvivors();
                survivorsRunning = true;
            }
            long deathTimestamp;
            using (ChaosProcess victim = ChaosProcess.Start(fault, "victim", scenario.Prefix, scenario.SegmentName, log,
                       (k + 1).ToString(CultureInfo.InvariantCulture), operation, Scenario.Seed(random)))
            {
                string? ready = victim.ReadLine(s_handshake);
                if (ready != "ready")
                {
                    victim.WaitForExit(s_handshake);
                    errors.Add($"victim {k} did not start: {ready} {victim.StandardError}");
                    break;
                }
                if (fault is null)
                {
                    // The random moment: the victim is running its workload flat out; this delay picks where it dies.
                    Thread.Sleep(random.Next(2, 60));
                    victim.Signal(Primitives.Interop.Libc.SIGKILL);
                }
                int? code = victim.WaitForExit(TimeSpan.FromSeconds(90));
                deathTimestamp = Stopwatch.GetTimestamp();
                if (code != ChaosProcess.KilledExitCode)
                {
                    errors.Add(code == ChaosProcess.PointNotReachedExitCode
                        ? $"victim {k} never reached {fault}"
                        : $"victim {k} exited with {code?.ToString(CultureInfo.InvariantCulture) ?? "nothing (hung)"}, not SIGKILL: {victim.StandardError.Trim()}");
                    break;
                }
            }
            try
            {
                // Survivors finish their current operation (a few ms: their timeouts are short), then the probe.
                scenario.StopSurvivors(WedgeTimeout);
                survivorsRunning = false;
                scenario.Probe(DateTime.UtcNow + WedgeTimeout);
                recoveries.Add(Scenario.ElapsedMs(deathTimestamp));
            }
            catch (TimeoutException e)
            {
                scenario.Absorb(log, operation);
                wedged++;
                errors.Add($"kill {k}: wedged: {e.Message}");
                break;
            }
            catch (Exception e)
            {
                scenario.Absorb(log, operation);
                errors.Add($"kill {k}: {e.GetType().Name}: {e.Message}");
                break;
            }
            done++;
            scenario.Absorb(log, operation);
            try
            {
                scenario.CheckConsistency();
            }
            catch (Exception e)
            {
                errors.Add($"kill {k}: consistency check failed: {e.Message}");
            }
        }
        if (survivorsRunning)
        {
            try
            {
                scenario.StopSurvivors(WedgeTimeout);
            }
            catch (Exception e)
            {
                errors.Add($"survivors at the end: {e.Message}");
            }
        }
        scenario.Drain();
        LedgerResult result = scenario.Ledger.Settle();
        long dup = result.Dup + (scenario is ReqRepScenario rr ? rr.DuplicateServes() : 0);
        recoveries.Sort();
        var row = new KillRow(scenario.Primitive, pointName, done, result.Torn, dup, result.Lost, result.AllowedLoss, wedged,
            Percentile(recoveries, 0.50), Percentile(recoveries, 0.99), errors);
        report($"  {row.Point,-32} kills {row.Kills,4}  torn {row.Torn}  dup {row.Dup}  lost {row.Lost}/{row.LossBound}  wedged {row.Wedged}  " +
               $"p50 {row.RecoveryP50Ms:0.0} ms  p99 {row.RecoveryP99Ms:0.0} ms  (items {result.Written} written, {result.Received} read){(errors.Count > 0 ? "  ERROR " + errors[0] : "")}");
        return row;
    }

    /// <summary>How long a paused owner stays stopped: past every recovery bound and grace period of every primitive.</summary>
    public static readonly TimeSpan PauseLength = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// Paused owners: a victim stops itself (SIGSTOP) at the armed point, holding its lock, slot or claim, while the
    /// survivors keep working for longer than every recovery bound; then SIGCONT, and it quits cleanly. It must never
    /// have been declared dead: nothing lost (no allowance: it finished its operation), nothing duplicated.
    /// </summary>
    public KillRow RunPaused(FaultPointInfo point, int pauses, int seed)
    {
        using Scenario? scenario = CreateScenario(point.Primitive);
        if (scenario is null)
            return new KillRow(point.Primitive, point.Name + " (paused)", 0, 0, 0, 0, 0, 0, 0, 0, [$"no scenario for primitive '{point.Primitive}'"]);
        var random = new Random(seed);
        var errors = new List<string>();
        int done = 0;
        string operation = scenario.VictimOperation(point);
        for (int k = 0; k < pauses && errors.Count == 0; k++)
        {
            string log = Path.Combine(workDirectory, $"{scenario.SegmentName}-paused{k}.log");
            scenario.StartSurvivors();
            using (ChaosProcess victim = ChaosProcess.Start($"{point.Name}:{random.Next(1, scenario.MaxHit + 1)}:stop", "victim", scenario.Prefix,
                       scenario.SegmentName, log, (k + 1).ToString(CultureInfo.InvariantCulture), operation, Scenario.Seed(random)))
            {
                if (victim.ReadLine(s_handshake) != "ready" || !WaitUntilStopped(victim))
                {
                    errors.Add($"pause {k}: the victim never stopped at {point.Name}: {victim.StandardError.Trim()}");
                    break;
                }
                // The pause itself: survivors run on meanwhile; they must neither repair nor expire the stopped owner.
                Thread.Sleep(PauseLength);
                victim.Signal(Primitives.Interop.Libc.SIGCONT);
                victim.Send("quit");
                int? code = victim.WaitForExit(TimeSpan.FromSeconds(60));
                if (code != 0)
                    errors.Add($"pause {k}: the resumed victim exited with {code?.ToString(CultureInfo.InvariantCulture) ?? "nothing (hung)"}: {victim.StandardError.Trim()}");
            }
            try
            {
                scenario.StopSurvivors(WedgeTimeout);
                scenario.Probe(DateTime.UtcNow + WedgeTimeout);
                scenario.CheckConsistency();
            }
            catch (Exception e)
            {
                errors.Add($"pause {k}: {e.GetType().Name}: {e.Message}");
            }
            scenario.Absorb(log, operation);
            done++;
        }
        scenario.Drain();
        LedgerResult result = scenario.Ledger.Settle();
        long dup = result.Dup + (scenario is ReqRepScenario rr ? rr.DuplicateServes() : 0);
        var row = new KillRow(scenario.Primitive, point.Name + " (paused)", done, result.Torn, dup, result.Lost, PausedLossBound(point, done), 0, 0, 0, errors);
        report($"  {row.Point,-42} pauses {done,3}  torn {row.Torn}  dup {row.Dup}  lost {row.Lost}/{row.LossBound}{(errors.Count > 0 ? "  ERROR " + errors[0] : "")}");
        return row;
    }

    /// <summary>
    /// What a paused owner may lose: nothing, except ShmPubSub&lt;T&gt;'s documented exception: readers skip a position a
    /// publisher holds past StalledPublisherTimeout, so each pause may lose the message (or batch) in its hands.
    /// </summary>
    public static long PausedLossBound(FaultPointInfo point, int pauses) =>
        point.Primitive == "pubsub" ? pauses * (point.Operation.EndsWith("many", StringComparison.Ordinal) ? VictimWorker.Batch : 1) : 0;

    /// <summary>Polls the kernel's state of the victim until it is stopped ('T'); false if it exited instead.</summary>
    public static bool WaitUntilStopped(ChaosProcess victim)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            char? state = victim.State;
            if (state == 'T')
                return true;
            if (state is null or 'Z' or 'X' || victim.HasExited)
                return false;
            Thread.Sleep(1);
        }
        return false;
    }

    public static double Percentile(List<double> sorted, double p)
    {
        if (sorted.Count == 0)
            return 0;
        int index = (int)Math.Ceiling(p * sorted.Count) - 1;
        return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
    }
}
