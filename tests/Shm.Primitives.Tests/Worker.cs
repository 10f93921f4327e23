using System.Diagnostics;

namespace Shm.Primitives.Tests;

/// <summary>A real child process running tests/Shm.TestWorker in one role.</summary>
public sealed class Worker : IDisposable
{
    public const int KilledExitCode = 128 + 9;

    private Worker(Process process) => Process = process;

    public Process Process { get; }

    public int Pid => Process.Id;

    public static string WorkerDll
    {
        get
        {
            // tests/Shm.Primitives.Tests/bin/<Config>/net10.0 -> tests/Shm.TestWorker/bin/<Config>/net10.0
            string dir = AppContext.BaseDirectory.TrimEnd('/');
            string config = Path.GetFileName(Path.GetDirectoryName(dir)!);
            string path = Path.GetFullPath(Path.Combine(dir, "../../../../Shm.TestWorker/bin", config, "net10.0/Shm.TestWorker.dll"));
            if (!File.Exists(path))
                throw new FileNotFoundException("Build tests/Shm.TestWorker first (the test project references it).", path);
            return path;
        }
    }

    public static Worker Start(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add(WorkerDll);
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        psi.Environment.Remove("SHM_FAULT");
        if (environment is not null)
        {
            foreach ((string key, string value) in environment)
                psi.Environment[key] = value;
        }
        return new Worker(Process.Start(psi)!);
    }

    public static Worker Start(params string[] args) => Start(null, args);

    /// <summary>Reads the next stdout line (e.g. "ready"), failing with stderr if the worker ends first.</summary>
    public string ReadLine(TimeSpan? timeout = null)
    {
        Task<string?> read = Process.StandardOutput.ReadLineAsync();
        if (!read.Wait(timeout ?? TimeSpan.FromMinutes(2)))
            throw new TimeoutException($"worker {Pid} printed nothing in time");
        return read.Result ?? throw new InvalidOperationException($"worker {Pid} ended: {Process.StandardError.ReadToEnd()}");
    }

    /// <summary>Waits for the worker to exit and returns its exit code.</summary>
    public int WaitForExit(TimeSpan? timeout = null)
    {
        if (!Process.WaitForExit(timeout ?? TimeSpan.FromMinutes(3)))
        {
            Process.Kill();
            throw new TimeoutException($"worker {Pid} did not exit in time");
        }
        Process.WaitForExit();
        return Process.ExitCode;
    }

    /// <summary>Waits for a clean exit (code 0), reporting stderr otherwise.</summary>
    public void WaitForSuccess(TimeSpan? timeout = null)
    {
        int code = WaitForExit(timeout);
        if (code != 0)
            throw new InvalidOperationException($"worker {Pid} exited with {code}: {Process.StandardError.ReadToEnd()}");
    }

    public void Dispose()
    {
        try
        {
            if (!Process.HasExited)
                Process.Kill();
        }
        catch (InvalidOperationException)
        {
        }
        Process.Dispose();
    }
}
