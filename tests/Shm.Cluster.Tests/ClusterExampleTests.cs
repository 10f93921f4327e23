using System.Diagnostics;
using System.Text.Json;
using Xunit.Abstractions;

namespace Shm.Cluster.Tests;

/// <summary>Runs examples/Cluster as a user would (small settings, chaos on) and checks its exit code and summary JSON.</summary>
public sealed class ClusterExampleTests(ITestOutputHelper output)
{
    private static string ClusterDll
    {
        get
        {
            string dir = AppContext.BaseDirectory.TrimEnd('/');
            string config = Path.GetFileName(Path.GetDirectoryName(dir)!);
            return Path.GetFullPath(Path.Combine(dir, "../../../../../examples/Cluster/bin", config, "net10.0/Cluster.dll"));
        }
    }

    [Fact]
    public void Two_workers_with_chaos_complete_every_job_exactly_once_and_leave_no_segment() => RunAndCheck();

    /// <summary>
    /// Workers whose actors come up well after their node joined (a loaded machine did this to CI): a job told before a
    /// worker's job actor exists would be a dead letter, so the coordinator waits for each worker to answer first.
    /// </summary>
    [Fact]
    public void Workers_that_create_their_actors_late_still_get_and_complete_every_job() => RunAndCheck("--worker-start-delay", "600");

    private void RunAndCheck(params string[] extra)
    {
        string json = Path.Combine(Path.GetTempPath(), $"shm-cluster-test-{Environment.ProcessId}-{Guid.NewGuid():N}.json");
        try
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string arg in new[] { ClusterDll, "--workers", "2", "--jobs", "3000", "--duration", "240", "--json", json }.Concat(extra))
                start.ArgumentList.Add(arg);
            using Process run = Process.Start(start)!;
            Task<string> stdout = run.StandardOutput.ReadToEndAsync();
            Task<string> stderr = run.StandardError.ReadToEndAsync();
            if (!run.WaitForExit(TimeSpan.FromMinutes(5)))
            {
                run.Kill(entireProcessTree: true);
                Assert.Fail("the cluster run did not end within 5 minutes");
            }
            output.WriteLine(stdout.Result);
            output.WriteLine(stderr.Result);
            Assert.Equal(0, run.ExitCode);

            using JsonDocument summary = JsonDocument.Parse(File.ReadAllText(json));
            JsonElement root = summary.RootElement;
            Assert.True(root.GetProperty("passed").GetBoolean());
            Assert.Equal(3000, root.GetProperty("jobs_completed").GetInt64());
            Assert.Equal(0, root.GetProperty("jobs_missing").GetInt64());
            Assert.Equal(0, root.GetProperty("duplicate_reports").GetInt64());
            Assert.True(root.GetProperty("chaos").GetBoolean());
            Assert.Equal("worker-2", root.GetProperty("killed_node").GetString());
            Assert.True(root.GetProperty("detection_ms").GetDouble() > 0);
            Assert.True(root.GetProperty("recovery_ms").GetDouble() >= root.GetProperty("detection_ms").GetDouble());
            Assert.True(root.GetProperty("asks").GetInt32() > 0);
            Assert.Equal(0, root.GetProperty("segments_left").GetInt32());
            string system = root.GetProperty("system").GetString()!;
            Assert.Empty(Directory.GetFiles("/dev/shm", system + ".*"));
        }
        finally
        {
            File.Delete(json);
        }
    }
}
