using System.Diagnostics;
using Akka.Actor;

namespace Shm.Bench.AkkaRemote;

/// <summary>
/// Remote DeathWatch after kill -9: an actor of the bench process watches an actor in an echo child, the child is
/// killed with SIGKILL, and the time from the kill to the watcher's <c>Terminated</c> is what the failure detector and
/// the transport make of it.
/// </summary>
internal static class KillToTerminated
{
    /// <summary>
    /// How long the watch runs before the kill. The remote watcher starts a node's failure detector with its first
    /// heartbeat (sent at <c>heartbeat-interval</c>, 1 s, or at the latest after <c>expected-response-after</c>, 1 s more);
    /// a node killed before that has no detector to fail. Both transports get the same wait.
    /// </summary>
    public static readonly TimeSpan WatchBeforeKill = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan s_watchStarted = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_terminated = TimeSpan.FromSeconds(60);

    /// <summary>Watches <paramref name="victim"/>'s watched actor, kills the child, and returns the time until Terminated arrived.</summary>
    public static TimeSpan Measure(EchoPeer victim)
    {
        IActorRef target = victim.Resolve(EchoServer.WatchedName);
        var watching = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var terminated = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        IActorRef watcher = victim.System.ActorOf(Props.Create(typeof(Watcher), target, watching, terminated));
        try
        {
            if (!watching.Task.Wait(s_watchStarted))
                throw new TimeoutException($"The watcher of {target.Path} did not start in {s_watchStarted.TotalSeconds} s.");
            Thread.Sleep(WatchBeforeKill);
            if (terminated.Task.IsCompleted)
                throw new InvalidOperationException($"{target.Path} was reported Terminated before the kill.");
            long start = Stopwatch.GetTimestamp();
            victim.Kill();
            if (!terminated.Task.Wait(s_terminated))
                throw new TimeoutException($"No Terminated for {target.Path} within {s_terminated.TotalSeconds} s of killing its process ({victim.Transport}).");
            return Stopwatch.GetElapsedTime(start, terminated.Task.Result);
        }
        finally
        {
            victim.System.Stop(watcher);
        }
    }

    /// <summary>Watches its target from its start; notes the timestamp at which the target's Terminated arrives.</summary>
    internal sealed class Watcher(IActorRef target, TaskCompletionSource watching, TaskCompletionSource<long> terminated) : ActorBase
    {
        protected override void PreStart()
        {
            Context.Watch(target);
            watching.TrySetResult();
        }

        protected override bool Receive(object message)
        {
            if (message is Terminated t && t.ActorRef.Equals(target))
            {
                terminated.TrySetResult(Stopwatch.GetTimestamp());
                return true;
            }
            return false;
        }
    }
}
