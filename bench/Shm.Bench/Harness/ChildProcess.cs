using System.Diagnostics;

namespace Shm.Bench.Harness;

/// <summary>Starts this benchmark program again as a child in a given role.</summary>
public static class ChildProcess
{
    public static Process Start(string role, params string[] args) => Start(null, role, args);

    /// <summary>Starts a child with extra environment variables (e.g. an armed fault point).</summary>
    public static Process Start(IReadOnlyDictionary<string, string>? environment, string role, params string[] args)
    {
        var psi = new ProcessStartInfo
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = false,
        };
        string self = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot locate the benchmark executable.");
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            psi.FileName = self;
            psi.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }
        else
        {
            psi.FileName = self;
        }
        psi.ArgumentList.Add("--child");
        psi.ArgumentList.Add(role);
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (environment is not null)
        {
            foreach ((string key, string value) in environment) psi.Environment[key] = value;
        }
        return Process.Start(psi) ?? throw new InvalidOperationException($"Could not start child role {role}.");
    }

    /// <summary>Reads one line the child printed (its result) and waits for it to exit.</summary>
    public static string ReadResult(Process p, TimeSpan timeout)
    {
        string? line = p.StandardOutput.ReadLine();
        if (!p.WaitForExit(timeout)) { p.Kill(); throw new TimeoutException("Child did not exit."); }
        if (p.ExitCode != 0 || line is null) throw new InvalidOperationException($"Child failed with exit code {p.ExitCode}.");
        return line;
    }
}
