namespace Shm.Node;

/// <summary>
/// Where the driver reports what it cannot hide (a corrupt inbox, a skipped cell, a blocked reader): the logging of
/// actor runtime on top of it (Akka's, through Shm.Transport), so the node layer needs no actor types.
/// </summary>
/// <param name="Warning">Logs a warning.</param>
/// <param name="Error">Logs an error with its cause.</param>
internal sealed record NodeLog(Action<string> Warning, Action<Exception, string> Error);
