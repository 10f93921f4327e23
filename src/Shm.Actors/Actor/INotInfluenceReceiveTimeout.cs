namespace Shm.Actors;

/// <summary>Marks messages that do not count as activity for the receive timeout (e.g. periodic ticks).</summary>
public interface INotInfluenceReceiveTimeout;
