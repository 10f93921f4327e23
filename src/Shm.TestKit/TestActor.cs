namespace Shm.TestKit;

/// <summary>The actor behind <see cref="TestKitBase.TestActor"/> and each probe: queues everything it receives for expectations.</summary>
internal sealed class TestActor(MessageQueue queue) : ActorBase
{
    private AutoPilot? _autoPilot;
    private Func<object, bool>? _ignore;

    protected override bool Receive(object message)
    {
        switch (message)
        {
            case WatchCommand watch:
                Context.Watch(watch.Subject);
                watch.Done.Set();
                return true;
            case UnwatchCommand unwatch:
                Context.Unwatch(unwatch.Subject);
                unwatch.Done.Set();
                return true;
            case SetAutoPilotCommand set:
                _autoPilot = set.Pilot;
                return true;
            case SetIgnoreCommand ignore:
                _ignore = ignore.ShouldIgnore;
                return true;
        }
        if (_ignore is { } shouldIgnore && shouldIgnore(message)) return true;
        if (_autoPilot is { } pilot)
        {
            AutoPilot next = pilot.Run(Sender, message);
            if (!ReferenceEquals(next, AutoPilot.KeepRunning)) _autoPilot = ReferenceEquals(next, AutoPilot.NoAutoPilot) ? null : next;
        }
        queue.Add(new ReceivedMessage(message, Sender));
        return true;
    }

    internal sealed record WatchCommand(IActorRef Subject, ManualResetEventSlim Done);

    internal sealed record UnwatchCommand(IActorRef Subject, ManualResetEventSlim Done);

    internal sealed record SetAutoPilotCommand(AutoPilot? Pilot);

    internal sealed record SetIgnoreCommand(Func<object, bool>? ShouldIgnore);
}
