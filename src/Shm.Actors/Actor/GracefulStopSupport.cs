using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>Stop an actor and wait until it has stopped.</summary>
public static class GracefulStopSupport
{
    /// <summary>
    /// Sends <paramref name="stopMessage"/> (default <see cref="PoisonPill"/>) and completes with true once the actor has stopped,
    /// or false if it has not within <paramref name="timeout"/>.
    /// </summary>
    public static async Task<bool> GracefulStop(this IActorRef target, TimeSpan timeout, object? stopMessage = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Unwrap() is not LocalActorRef local) throw ThrowHelper.CreateGracefulStopNotLocal(target);
        if (local.IsTerminated) return true;
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var watcher = new StopWatcher(stopped);
        local.SendSystemMessage(new Watch(local, watcher));
        local.Tell(stopMessage ?? PoisonPill.Instance, ActorRefs.NoSender);
        Task finished = await Task.WhenAny(stopped.Task, Task.Delay(timeout)).ConfigureAwait(false);
        if (finished != stopped.Task) local.SendSystemMessage(new Unwatch(local, watcher));
        return finished == stopped.Task;
    }

    private sealed class StopWatcher(TaskCompletionSource stopped) : MinimalActorRef
    {
        private readonly ActorPath _path = ActorPath.Root(new Address(Address.LocalProtocol, "graceful-stop")) / "watcher";

        public override ActorPath Path => _path;

        public override void SendSystemMessage(SystemMessage message)
        {
            if (message is DeathWatchNotification) stopped.TrySetResult();
        }
    }
}
