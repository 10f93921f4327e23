namespace Shm.Actors;

/// <summary>A behaviour of an <see cref="UntypedActor"/>: handles every message, calling <c>Unhandled</c> for those it does not know.</summary>
public delegate void UntypedReceive(object message);
