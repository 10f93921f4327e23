namespace Shm.Transport.Driver;

/// <summary>
/// Where the driver reports what it cannot hide (a corrupt inbox, a skipped cell, a blocked reader): the logging of
/// whichever actor runtime runs on top of it, so the node layer depends on neither.
/// </summary>
/// <param name="Warning">Logs a warning.</param>
/// <param name="Error">Logs an error with its cause.</param>
internal sealed record DriverLog(Action<string> Warning, Action<Exception, string> Error)
{
    /// <summary>The log of a Shm.Actors system.</summary>
    public static DriverLog Of(Shm.Actors.Event.ILoggingAdapter log) =>
        new(message => log.Warning("{0}", message), (cause, message) => log.Error(cause, "{0}", message));
}
