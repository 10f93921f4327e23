using System.Diagnostics;
using System.Reflection;
using Shm.Primitives;
using Shm.Primitives.Diagnostics;
using Shm.Primitives.Interop;

namespace Shm.Chaos;

/// <summary>A worker: this program started again as `Shm.Chaos worker ROLE ...`, a real process the campaign kills.</summary>
public sealed class ChaosProcess : IDisposable
{
    public const int KilledExitCode = 128 + Libc.SIGKILL;
    /// <summary>A worker whose armed point was never reached within its own time limit exits with this.</summary>
    public const int PointNotReachedExitCode = 4;

    private readonly Process _process;
    private readonly System.Text.StringBuilder _stderr = new();

    private ChaosProcess(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                    _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public string StandardError
    {
        get
        {
            lock (_stderr)
                return _stderr.ToString();
        }
    }

    public static string ProgramDll
    {
        get
        {
            string path = Assembly.GetExecutingAssembly().Location;
            if (!File.Exists(Path.ChangeExtension(path, ".runtimeconfig.json")))
                throw new FileNotFoundException("Shm.Chaos.runtimeconfig.json must sit beside Shm.Chaos.dll to start workers.", path);
            return path;
        }
    }

    /// <summary>Starts a worker; <paramref name="fault"/> arms a fault point in it (SHM_FAULT), null starts it disarmed.</summary>
    public static ChaosProcess Start(string? fault, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        psi.ArgumentList.Add(ProgramDll);
        psi.ArgumentList.Add("worker");
        foreach (string a in args)
            psi.ArgumentList.Add(a);
        psi.Environment.Remove(FaultPoint.EnvironmentVariable);
        if (fault is not null)
            psi.Environment[FaultPoint.EnvironmentVariable] = fault;
        // Workers are short-lived and many: skip tiered-compilation warm-up noise, keep memory small.
        psi.Environment["DOTNET_TieredPGO"] = "0";
        psi.Environment["DOTNET_gcServer"] = "0";
        // FileStream's advisory flock would make the mutator's open of a live segment race the users' reopening.
        psi.Environment["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1";
        return new ChaosProcess(Process.Start(psi)!);
    }

    /// <summary>Reads the next stdout line (a handshake such as "ready"); null if the worker ended first.</summary>
    public string? ReadLine(TimeSpan timeout)
    {
        Task<string?> read = _process.StandardOutput.ReadLineAsync();
        if (!read.Wait(timeout))
            throw new TimeoutException($"worker {Pid} printed nothing in {timeout.TotalSeconds:0} s");
        return read.Result;
    }

    /// <summary>Tells a worker waiting on its stdin to go on (a handshake line).</summary>
    public void Send(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits for the exit; the exit code, or null if it did not exit within <paramref name="timeout"/>.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return null;
        _process.WaitForExit(); // drains the redirected streams
        return _process.ExitCode;
    }

    public void Signal(int signal)
    {
        if (Libc.Kill(_process.Id, signal) != 0 && !_process.HasExited)
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed");
    }

    /// <summary>The kernel's state letter of the worker ('T' stopped, 'Z' zombie), or null when it is gone.</summary>
    public char? State => ProcessIdentity.StateOf(_process.Id);

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                Libc.Kill(_process.Id, Libc.SIGKILL);
                _process.WaitForExit(TimeSpan.FromSeconds(30));
            }
        }
        catch (InvalidOperationException)
        {
        }
        _process.Dispose();
    }
}
