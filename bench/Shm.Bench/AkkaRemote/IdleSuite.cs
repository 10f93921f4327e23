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
                measured[transport] = CpuPercent(peer.Pid, window);
                context.Log(string.Create(CultureInfo.InvariantCulture,
                    $"  {transport}: idle child {peer.Pid} used {measured[transport]:F2} % of a core over {window.TotalSeconds:F0} s"));
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
        ];
    }

    /// <summary>The process's CPU time (user + system, all threads) over <paramref name="window"/>, as percent of one core.</summary>
    private static double CpuPercent(int pid, TimeSpan window)
    {
        long before = CpuTicks(pid);
        long start = Stopwatch.GetTimestamp();
        Thread.Sleep(window);
        long ticks = CpuTicks(pid) - before;
        return 100.0 * ticks / ClockTicksPerSecond / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    // USER_HZ is 100 on Linux for every architecture .NET runs on; /proc/PID/stat's utime and stime count in it.
    private const double ClockTicksPerSecond = 100;

    /// <summary>utime + stime (fields 14 and 15 of /proc/PID/stat; the name in field 2 may hold spaces, so count after its ')').</summary>
    private static long CpuTicks(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}
