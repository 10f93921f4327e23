using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Shm.Hosting.Tests;

/// <summary>
/// Runs examples/WorkerService (built before this assembly, see the csproj) with the README's <c>dotnet run</c> command:
/// it starts, its producer's asks reach the counter actor, the actor's log reaches the host's console, and SIGTERM
/// (what a service manager sends, forwarded by dotnet run; Ctrl+C's SIGINT takes the same path in the host) stops it
/// with exit code 0, removing its node's segments.
/// </summary>
public sealed class WorkerServiceTests
{
    private const int Sigterm = 15;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    private static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../.."));

    /// <summary>The configuration this assembly was built in (tests/Shm.Hosting.Tests/bin/{config}/net10.0), which built the example too.</summary>
    private static string Configuration => Path.GetFileName(Path.GetDirectoryName(AppContext.BaseDirectory.TrimEnd('/'))!);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [Fact]
    public async Task The_example_counts_orders_over_shm_and_stops_on_SIGTERM_leaving_no_segment_of_its_node()
    {
        string directory = Path.Combine("/dev/shm", "shmws-" + Guid.NewGuid().ToString("N")[..10]);
        string node = "ws-" + Environment.ProcessId;
        Directory.CreateDirectory(directory);
        var output = new ConcurrentQueue<string>();
        var start = new ProcessStartInfo("dotnet")
        {
            // The README's command (dotnet run --project examples/WorkerService -- --Shm:HostName=...), on the build at hand.
            ArgumentList =
            {
                "run", "--project", "examples/WorkerService", "-c", Configuration, "--no-build", "--",
                $"--Shm:HostName={node}", $"--Shm:SegmentDirectory={directory}", "--Worker:Interval=00:00:00.050",
            },
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process process = Process.Start(start)!;
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) output.Enqueue(line.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            string Output() => string.Join('\n', output);
            await Poll.UntilAsync(() => Output().Contains("20 orders counted (last #20)") || process.HasExited,
                "the counter's log of its 20th order", s_timeout);
            Assert.False(process.HasExited, $"The example exited early with {(process.HasExited ? process.ExitCode : 0)}:\n{Output()}");
            string text = Output();
            Assert.Contains($"Remoting started; listening on addresses : [akka.shm://orders@{node}:1]", text);
            Assert.Contains("Order 20 placed; 20 counted", text);
            Assert.Single(Directory.GetFiles(directory, $"orders.{node}.*.inbox"));

            Assert.Equal(0, kill(process.Id, Sigterm));
            using (var exit = new CancellationTokenSource(s_timeout))
                await process.WaitForExitAsync(exit.Token);
            process.WaitForExit(); // the output's last lines

            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}:\n{Output()}");
            Assert.Contains("Application is shutting down...", Output());
            Assert.DoesNotContain("fail:", Output());
            // The node's own segments (inbox, ask channel) are gone; what stays is the system's node directory, which
            // every node of "orders" shares and the transport leaves for the next one.
            Assert.Equal(["orders.nodes"], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
        finally
        {
            if (!process.HasExited)
                process.Kill(entireProcessTree: true);
            Directory.Delete(directory, recursive: true);
        }
    }
}
