using System.Globalization;
using System.Runtime.CompilerServices;
using Shm.Primitives.Interop;

namespace Shm.Primitives.Diagnostics;

/// <summary>
/// Named places between a claim and its commit where a test can make this process die (DESIGN.md rule 8).
/// Armed by the environment variable <c>SHM_FAULT=name:hit[:action]</c>: on the <c>hit</c>-th pass through
/// <c>name</c> the process sends itself SIGKILL (action <c>kill</c>, the default) or SIGSTOP (<c>stop</c>; it
/// carries on after SIGCONT). Disarmed, <see cref="Hit"/> is a test of a static readonly field the JIT folds away.
/// </summary>
internal static class FaultPoint
{
    public const string EnvironmentVariable = "SHM_FAULT";

    private static readonly bool s_armed;
    private static readonly string? s_name;
    private static readonly long s_hit;
    private static readonly int s_signal;
    private static long s_count;

    static FaultPoint()
    {
        string? spec = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(spec))
            return;
        string[] parts = spec.Split(':');
        if (parts.Length is < 2 or > 3 || !FaultPoints.All.Contains(parts[0])
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out long hit) || hit < 1)
            throw new InvalidOperationException($"{EnvironmentVariable}='{spec}' must be name:hit[:kill|stop] with a known name ({string.Join(", ", FaultPoints.All)}) and hit >= 1.");
        s_signal = parts.Length == 3 && parts[2] == "stop" ? Libc.SIGSTOP : Libc.SIGKILL;
        s_name = parts[0];
        s_hit = hit;
        s_armed = true;
    }

    /// <summary>Whether a fault point is armed in this process (a static readonly: constant after JIT).</summary>
    public static bool IsArmed => s_armed;

    /// <summary>Marks a crash window. Between a claim and its commit only; never throws.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Hit(string name)
    {
        if (s_armed)
            HitArmed(name);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void HitArmed(string name)
    {
        if (!string.Equals(name, s_name, StringComparison.Ordinal))
            return;
        if (Interlocked.Increment(ref s_count) == s_hit)
            Libc.Kill(ProcessIdentity.CurrentProcessId, s_signal);
    }
}
