using Shm.Actors;
using Shm.Actors.Internal;

namespace Shm.Transport.Remoting;

/// <summary>
/// Tells messages arriving on one transport reader (the inbox reader, the ask server, a topic reader) to their local
/// recipients, running an idle recipient's turn on the calling thread while turns are quick (see <see cref="Driver.QuickTurns"/>).
/// </summary>
internal sealed class InlineTurns
{
    private Driver.QuickTurns _turns;

    /// <summary>Tells <paramref name="message"/>, running the recipient's turn here when it is local, idle and turns are quick.</summary>
    public void Tell(IActorRef recipient, object message, IActorRef? sender) => Tell(recipient, message, sender, Driver.ReaderLease.Held);

    /// <summary>Tell from a reader whose loop is not a thread of its own (it passes its lease rather than holding it on a thread).</summary>
    /// <param name="recipient">The recipient.</param>
    /// <param name="message">The message.</param>
    /// <param name="sender">The sender, or null.</param>
    /// <param name="lease">The reader's lease, told of an inline turn for its watchdog; null: no watchdog.</param>
    public void Tell(IActorRef recipient, object message, IActorRef? sender, Driver.ReaderLease? lease)
    {
        if (recipient is not LocalActorRef local || !_turns.AreQuick)
        {
            recipient.Tell(message, sender);
            _turns.Skipped();
            return;
        }
        var envelope = new Actors.Dispatch.Envelope(message, sender);
        long start = _turns.Begin();
        local.Cell.Mailbox.PostAndRunIfIdle(local, envelope, lease);
        _turns.Ended(start);
    }
}
