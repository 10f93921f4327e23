namespace Shm.Actors.Internal;

/// <summary>
/// A ref that answers Ask itself rather than through a temporary <c>/temp</c> ref: a transport's remote refs, whose
/// replies come back through a response slot instead of a second message.
/// </summary>
internal interface IAskTarget
{
    /// <summary>
    /// Sends <paramref name="message"/> and completes the task with the reply, interpreted by <see cref="AskReply.Interpret{T}"/>.
    /// </summary>
    /// <param name="message">The message.</param>
    /// <param name="timeout">The caller's timeout; null: the system's default ask timeout.</param>
    /// <param name="cancellationToken">Cancels the ask (the task is then cancelled).</param>
    Task<T> Ask<T>(object message, TimeSpan? timeout, CancellationToken cancellationToken);
}
