using System.Diagnostics;
using Akka.Actor;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// Pending asks when their target's process dies: the echo child is stopped (SIGSTOP, so asks wait for it), asked
/// <see cref="Asks"/> times, then killed (SIGKILL); the time from the kill until the last ask has failed is what the
/// path makes of the death. On the direct path that is the pidfd's report; over Akka.Remote, an ask's timeout.
/// </summary>
internal static class KillToAskFailure
{
    public const int Asks = 20;

    /// <summary>Asks <paramref name="victim"/>'s first echo while it is stopped, kills it, and returns the time until every ask failed.</summary>
    public static TimeSpan Measure(EchoPeer victim, TimeSpan askTimeout)
    {
        IActorRef echo = victim.Echoes[0];
        if (echo.Ask<string>(PingPongRounds.Payload, TimeSpan.FromSeconds(30)).Result is not PingPongRounds.Payload)
            throw new InvalidOperationException($"{echo.Path} did not echo.");
        Shm.TestKit.ProcessPause.Pause(victim.Pid); // every thread stopped: no ask is answered before the kill
        Task[] pending = [.. Enumerable.Range(0, Asks).Select(_ => (Task)echo.Ask<string>(PingPongRounds.Payload, askTimeout))];
        long start = Stopwatch.GetTimestamp();
        victim.Kill();
        if (!Task.WhenAll(pending).ContinueWith(static _ => { }, TaskScheduler.Default).Wait(askTimeout + TimeSpan.FromSeconds(30)))
            throw new TimeoutException($"Asks to {echo.Path} neither failed nor timed out after its kill ({victim.Transport}).");
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        if (pending.Any(ask => !ask.IsFaulted))
            throw new InvalidOperationException($"An ask to the killed {echo.Path} did not fail ({victim.Transport}).");
        return elapsed;
    }
}
