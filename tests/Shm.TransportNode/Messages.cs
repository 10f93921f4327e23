using Shm.Actors;

namespace Shm.TransportNode;

/// <summary>Asks the echo actor to tell <paramref name="Text"/> to <paramref name="To"/>, keeping the original sender.</summary>
public sealed record Relay(IActorRef To, string Text);

/// <summary>Asks the echo actor to start a sender that tells <paramref name="To"/> Numbered(Sender, 0..Count-1).</summary>
public sealed record Blast(IActorRef To, int Sender, int Count);

/// <summary>One message of a numbered stream, to check per-sender order.</summary>
public sealed record Numbered(int Sender, int Sequence);

/// <summary>
/// Answers every message with itself, except: <see cref="Relay"/> is passed on (sender kept); <see cref="Blast"/>
/// starts a child that sends a numbered stream.
/// </summary>
public sealed class Echo : ReceiveActor
{
    public Echo()
    {
        Receive<Relay>(relay => relay.To.Tell(relay.Text, Sender));
        Receive<Blast>(blast => Context.ActorOf(Props.Create(() => new Blaster(blast))));
        ReceiveAny(message => Sender.Tell(message, Self));
    }
}

/// <summary>Sends its stream from its own thread turn, then stops.</summary>
public sealed class Blaster : ReceiveActor
{
    public Blaster(Blast blast)
    {
        ReceiveAny(_ => { });
        for (int i = 0; i < blast.Count; i++)
            blast.To.Tell(new Numbered(blast.Sender, i), Self);
    }
}
