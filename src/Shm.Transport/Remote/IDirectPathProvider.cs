namespace Shm.Transport.Remote;

/// <summary>The two direct-path providers (remote and cluster), as the shm mailbox finds the direct path of its system.</summary>
internal interface IDirectPathProvider
{
    /// <summary>The system's direct path, once the provider is initialized.</summary>
    DirectPath? Direct { get; }
}
