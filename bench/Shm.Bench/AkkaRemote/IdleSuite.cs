using System.Diagnostics;
using System.Globalization;
using Akka.Actor;
using Shm.Bench.Harness;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// What an idle node costs: an Akka.NET system in a child process, associated with this one (its echoes resolved, so
/// the link and DeathWatch heartbeats exist) and then sent nothing, has its CPU time read from /proc for
/// <see cref="s_window"/> after <see cref="s_settle"/>. Over akka.remote.shm, on the direct path, and over DotNetty TCP
/// in the same run; the unit is percent of one core (utime + stime over wall time).
/// </summary>
public sealed class IdleSuite : IBenchSuite
{
    private static readonly TimeSpan s_settle = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_terminate = TimeSpan.FromSeconds(30);

    public string Name => "idle";

    public IEnumerable<BenchRow> Run(BenchContext context)
    {
        TimeSpan window = context.Quick ? TimeSpan.FromSeconds(5) : s_window;
        var measured = new Dictionary<string, double>();
        var ours = new Dictionary<string, double>();
        foreach (string transport in new[] { "shm", "direct", "tcp" })
        {
            string systemName = context.SegmentPrefix + "idle-" + transport;
            ActorSystem system = ActorSystem.Create(systemName, transport switch
            {
                "shm" => AkkaHocon.Shm("client"),
                "direct" => AkkaHocon.Direct("client"),
                _ => AkkaHocon.Tcp(),
            });
            try
            {
                using EchoPeer peer = EchoPeer.Start(context, system, transport, "server");
                Thread.Sleep(s_settle); // the measure is of time passing with nothing sent: the wait is the experiment
                (measured[transport], ours[transport]) = CpuPercent(peer.Pid, window);
                context.Log(string.Create(CultureInfo.InvariantCulture,
                    $"  {transport}: idle child {peer.Pid} used {measured[transport]:F2} % of a core over {window.TotalSeconds:F0} s, Shm's threads {ours[transport]:F3} %"));
            }
            finally
            {
                system.Terminate().Wait(s_terminate);
                foreach (string file in Directory.GetFiles("/dev/shm", systemName + ".*"))
                    File.Delete(file);
            }
        }
        const string Unit = "% of a core";
        string tcp = $"the same idle node over Akka.Remote's DotNetty TCP ({window.TotalSeconds:F0} s of /proc)";
        return
        [
            new BenchRow("akka.idle.cpu_pct", measured["shm"], Unit, tcp, measured["tcp"], HigherIsBetter: false),
            new BenchRow("akka.direct.idle.cpu_pct", measured["direct"], Unit, tcp, measured["tcp"], HigherIsBetter: false),
            new BenchRow("akka.idle.shm_threads_cpu_pct", ours["shm"], Unit, "the whole idle node over akka.remote.shm (Akka's own threads and Shm's)", measured["shm"], HigherIsBetter: false),
        ];
    }

    /// <summary>
    /// The CPU time of the process's threads over <paramref name="window"/> as percent of one core: all of them, and
    /// those of Shm (named "Shm …": inbox reader, membership, topic readers, mailbox watchers). Read from each thread's
    /// schedstat (nanoseconds on a CPU), which unlike /proc/PID/stat's 10 ms ticks can see a tenth of a percent.
    /// </summary>
    private static (double All, double Shm) CpuPercent(int pid, TimeSpan window)
    {
        Dictionary<string, (long Ns, bool Shm)> before = ThreadTimes(pid);
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep(window);
        Dictionary<string, (long Ns, bool Shm)> after = ThreadTimes(pid);
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        long all = 0, shm = 0;
        foreach ((string tid, (long ns, bool isShm)) in after)
        {
            long used = ns - (before.TryGetValue(tid, out var earlier) ? earlier.Ns : 0);
            all += used;
            if (isShm)
                shm += used;
        }
        return (100.0 * all / 1e9 / seconds, 100.0 * shm / 1e9 / seconds);
    }

    /// <summary>Each thread's time on a CPU (the first field of /proc/PID/task/TID/schedstat) and whether it is one of Shm's.</summary>
    private static Dictionary<string, (long Ns, bool Shm)> ThreadTimes(int pid)
    {
        var times = new Dictionary<string, (long, bool)>();
        foreach (string task in Directory.GetDirectories($"/proc/{pid}/task"))
        {
            try
            {
                long ns = long.Parse(File.ReadAllText(Path.Combine(task, "schedstat")).Split(' ')[0], CultureInfo.InvariantCulture);
                bool shm = File.ReadAllText(Path.Combine(task, "comm")).StartsWith("Shm ", StringComparison.Ordinal);
                times[Path.GetFileName(task)] = (ns, shm);
            }
            catch (IOException)
            {
                // the thread ended meanwhile
            }
        }
        return times;
    }
}
