using Shm.Actors.Event;

namespace Shm.Hosting.Tests;

public sealed class EchoKey;

public sealed class LoggerKey;

public sealed record Shout(string Text);

/// <summary>Replies with what it receives.</summary>
public sealed class Echo : ReceiveActor
{
    public Echo() => ReceiveAny(message => Sender.Tell(message));
}

/// <summary>Logs each Shout at info level through Context.GetLogger() and confirms.</summary>
public sealed class Shouter : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public Shouter()
    {
        Receive<Shout>(shout =>
        {
            _log.Info("shouting {0}", shout.Text);
            Sender.Tell("done");
        });
    }
}
