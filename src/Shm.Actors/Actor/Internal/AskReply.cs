namespace Shm.Actors.Internal;

/// <summary>What a reply means to an Ask for <c>T</c>; one rule for local and remote asks.</summary>
internal static class AskReply
{
    /// <summary>
    /// A <typeparamref name="T"/> is the result; a <see cref="Status.Failure"/> (unless the ask wants one) faults with its
    /// cause; anything else faults with an <see cref="ArgumentException"/> naming both types.
    /// </summary>
    /// <returns>Null and the result, or the exception to fault the ask with.</returns>
    public static Exception? Interpret<T>(object message, out T result)
    {
        switch (message)
        {
            case Status.Failure failure when typeof(T) != typeof(Status.Failure):
                result = default!;
                return failure.Cause;
            case T typed:
                result = typed;
                return null;
            default:
                result = default!;
                return new ArgumentException(
                    $"The Ask expected a reply of type {typeof(T).Name} but received {message.GetType().Name}: {message}.", nameof(message));
        }
    }

    /// <summary>The exception an ask that got no reply in time faults with.</summary>
    public static AskTimeoutException Timeout(TimeSpan timeout, object target) =>
        new($"Timeout after {timeout.TotalSeconds} seconds: no reply to the Ask from {target}.");
}
