namespace Shm.Actors;

/// <summary>
/// An actor with one <see cref="OnReceive"/> method for every message. Call <see cref="ActorBase.Unhandled"/> for messages it does
/// not handle; switch behaviour with <see cref="Become(UntypedReceive)"/>.
/// </summary>
public abstract class UntypedActor : ActorBase
{
    /// <summary>Handles <paramref name="message"/>; call <c>Unhandled(message)</c> if it is not for this actor.</summary>
    protected abstract void OnReceive(object message);

    /// <inheritdoc />
    protected sealed override bool Receive(object message)
    {
        OnReceive(message);
        return true;
    }

    /// <summary>Replaces the current behaviour with <paramref name="receive"/>.</summary>
    protected void Become(UntypedReceive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        Context.Become(m => { receive(m); return true; });
    }

    /// <summary>Pushes <paramref name="receive"/> as the behaviour; <see cref="UnbecomeStacked"/> pops it.</summary>
    protected void BecomeStacked(UntypedReceive receive)
    {
        ArgumentNullException.ThrowIfNull(receive);
        Context.BecomeStacked(m => { receive(m); return true; });
    }

    /// <summary>Pops the behaviour pushed last.</summary>
    protected static void UnbecomeStacked() => Context.UnbecomeStacked();
}
