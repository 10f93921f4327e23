namespace WorkerService;

/// <summary>The "Worker" section of appsettings.json.</summary>
public sealed class WorkerOptions
{
    /// <summary>Time between two orders.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(1);
}
