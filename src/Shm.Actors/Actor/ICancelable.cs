namespace Shm.Actors;

/// <summary>A handle that cancels scheduled work; cancelling twice is harmless.</summary>
public interface ICancelable
{
    /// <summary>Cancels; work that has not started will not run.</summary>
    void Cancel();

    /// <summary>True once cancelled.</summary>
    bool IsCancellationRequested { get; }

    /// <summary>A token cancelled together with this handle.</summary>
    CancellationToken Token { get; }
}
