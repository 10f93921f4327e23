namespace Shm.Actors;

/// <summary>A behaviour: handles <paramref name="message"/> and returns true, or returns false to leave it unhandled.</summary>
public delegate bool Receive(object message);

/// <summary>A behaviour of an <see cref="UntypedActor"/>: handles every message, calling <c>Unhandled</c> for those it does not know.</summary>
public delegate void UntypedReceive(object message);
