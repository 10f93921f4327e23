using System.Globalization;
using Shm.Primitives;

namespace Shm.Chaos;

/// <summary>
/// Corruption of live segments: per kind, two user processes operate while a mutator process writes garbage into the
/// segment. Counts operations, documented exceptions, repairs and crashes (a user that died by a signal, exited with
/// an undocumented exception, or hung past the end). A crashed user is replaced, so the run goes on.
/// </summary>
public sealed class CorruptionCampaign(string workDirectory, Action<string> report)
{
    public const int Users = 2;
    private static readonly TimeSpan s_quitTimeout = TimeSpan.FromSeconds(20);

    public static readonly string[] Kinds = ["queue", "bytequeue", "pubsub", "bytepubsub", "reqrep"];

    public CorruptionRow Run(string kind, long mutations, double seconds, int seed)
    {
        string name = KillCampaign.NewSegmentName("mut-" + kind);
        string path = Path.Combine("/dev/shm", name);
        Create(kind, name);
        var errors = new List<string>();
        var users = new List<(ChaosProcess Process, string Counters)>();
        long crashes = 0, operations = 0, exceptions = 0, repairs = 0;
        int userNumber = 0;
        ChaosProcess StartUser()
        {
            string counters = Path.Combine(workDirectory, $"{name}-user{userNumber}.counters");
            ChaosProcess user = ChaosProcess.Start(null, "user", kind, name, (seed + userNumber++).ToString(CultureInfo.InvariantCulture), counters);
            users.Add((user, counters));
            if (user.ReadLine(TimeSpan.FromSeconds(60)) != "ready")
                errors.Add($"a user of {kind} did not start: {user.StandardError.Trim()}");
            return user;
        }
        void Collect(ChaosProcess user, int? exitCode)
        {
            if (exitCode == 0)
                return;
            crashes++;
            string why = exitCode switch
            {
                null => "hung (did not finish its operation and quit)",
                CorruptionUserWorker.CrashExitCode => "undocumented exception",
                > 128 => $"killed by signal {exitCode - 128}",
                _ => $"exit code {exitCode}",
            };
            errors.Add($"{kind}: user {user.Pid} {why}: {FirstLines(user.StandardError, 12)}");
        }

        string mutatorCounters = Path.Combine(workDirectory, $"{name}-mutator.counters");
        try
        {
            var live = new List<ChaosProcess>();
            for (int i = 0; i < Users; i++)
                live.Add(StartUser());
            using ChaosProcess mutator = ChaosProcess.Start(null, "mutator", path, mutations.ToString(CultureInfo.InvariantCulture),
                seconds.ToString(CultureInfo.InvariantCulture), seed.ToString(CultureInfo.InvariantCulture), mutatorCounters);
            if (mutator.ReadLine(TimeSpan.FromSeconds(60)) != "ready")
                errors.Add($"the mutator of {kind} did not start: {mutator.StandardError.Trim()}");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(seconds * 4 + 120);
            while (mutator.WaitForExit(TimeSpan.FromMilliseconds(50)) is null)
            {
                if (DateTime.UtcNow > deadline)
                {
                    errors.Add($"the mutator of {kind} did not finish");
                    break;
                }
                for (int i = 0; i < live.Count; i++)
                {
                    if (!live[i].HasExited)
                        continue;
                    Collect(live[i], live[i].WaitForExit(TimeSpan.FromSeconds(10)));
                    live[i] = StartUser(); // keep two users operating through the whole run
                }
            }
            foreach (ChaosProcess user in live)
            {
                if (!user.HasExited)
                    user.Send("quit");
            }
            foreach (ChaosProcess user in live)
                Collect(user, user.WaitForExit(s_quitTimeout));
            foreach ((ChaosProcess user, string counters) in users)
            {
                long[] values = SharedCounters.Read(counters);
                operations += values[SharedCounters.Operations];
                exceptions += values[SharedCounters.Exceptions];
                repairs += values[SharedCounters.Repairs];
            }
        }
        finally
        {
            foreach ((ChaosProcess user, _) in users)
                user.Dispose();
            Shm.Primitives.Segments.Segment.Unlink(name, null);
        }
        long done = SharedCounters.Read(mutatorCounters)[SharedCounters.Mutations];
        var row = new CorruptionRow(kind, done, operations, exceptions, repairs, crashes, errors);
        report($"  {kind,-12} mutations {done,9}  operations {operations,9}  exceptions {exceptions,8}  repairs {repairs,6}  crashes {crashes}{(errors.Count > 0 ? "  ERROR " + errors[0] : "")}");
        return row;
    }

    /// <summary>Creates a segment of the kind with the campaign's geometry, then lets it go (only workers use it).</summary>
    internal static void Create(string kind, string name)
    {
        IDisposable created = kind switch
        {
            "queue" => ShmQueue<ChaosItem>.CreateNew(name, 64),
            "bytequeue" => ShmByteQueue.CreateNew(name, 64, arenaBytes: 16 * 1024),
            "pubsub" => ShmPubSub<ChaosItem>.CreateNew(name, 64),
            "bytepubsub" => ShmBytePubSub.CreateNew(name, 64, ChaosMessage.MaxLength),
            "reqrep" => ShmReqRepServer.CreateNew(name, 64, 8, ChaosMessage.MaxLength),
            _ => throw new ArgumentException($"no corruption scenario for '{kind}'"),
        };
        created.Dispose(); // the campaign itself never touches a segment being corrupted
    }

    private static string FirstLines(string text, int lines) => string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Take(lines));
}
