namespace Shm.Actors;

/// <summary>A behaviour: handles <paramref name="message"/> and returns true, or returns false to leave it unhandled.</summary>
public delegate bool Receive(object message);
