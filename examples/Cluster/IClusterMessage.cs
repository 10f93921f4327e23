namespace Shm.Examples.Cluster;

/// <summary>Marks the example's messages, which <see cref="ClusterMessageSerializer"/> serializes (bound in <see cref="ClusterConfig"/>).</summary>
public interface IClusterMessage;
