namespace Shm.Actors.Dispatch;

/// <summary>Marks a message queue that never blocks or rejects a producer.</summary>
public interface IUnboundedMessageQueueSemantics;
