using Shm.Actors.Internal;

namespace Shm.Actors;

/// <summary>Tell and Forward with the sender chosen for you.</summary>
public static class ActorRefImplicitSenderExtensions
{
    /// <summary>
    /// Sends <paramref name="message"/> with the implicit sender: <c>Self</c> when called while an actor handles a message,
    /// otherwise the test actor of a TestKit on this logical flow, otherwise <see cref="ActorRefs.NoSender"/>.
    /// </summary>
    public static void Tell(this ICanTell receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        receiver.Tell(message, ImplicitSender.Current);
    }

    /// <summary>Sends <paramref name="message"/> keeping the sender of the message being handled, so the receiver replies to the original sender.</summary>
    /// <exception cref="NotSupportedException">Called outside an actor's message handling.</exception>
    public static void Forward(this ICanTell receiver, object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ActorCell cell = ActorCell.Current ?? throw ThrowHelper.CreateForwardOutsideActor();
        receiver.Tell(message, cell.Sender);
    }
}
