namespace Shm.Actors.Event;

/// <summary>Marks messages whose loss is routine (PoisonPill, Terminated): they are published as <see cref="SuppressedDeadLetter"/> and not logged.</summary>
public interface IDeadLetterSuppression;
