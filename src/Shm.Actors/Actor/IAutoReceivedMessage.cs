namespace Shm.Actors;

/// <summary>Marks messages the runtime handles itself before the actor's behaviour sees them (PoisonPill, Kill, Identify).</summary>
public interface IAutoReceivedMessage;
