namespace Shm.Actors;

/// <summary>Sends a task's outcome to an actor: the way to use async results inside actors without blocking them.</summary>
public static class PipeToSupport
{
    /// <summary>
    /// When <paramref name="task"/> completes, tells <paramref name="recipient"/> its result (or <paramref name="success"/>(result)),
    /// or on fault <see cref="Status.Failure"/> with the unwrapped exception (or <paramref name="failure"/>(exception)).
    /// </summary>
    /// <example><code>FetchAsync(id).PipeTo(Self, Sender);</code></example>
    public static async Task PipeTo<T>(this Task<T> task, ICanTell recipient, IActorRef? sender = null, Func<T, object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        object? message;
        try
        {
            T result = await task.ConfigureAwait(false);
            message = success is not null ? success(result) : result;
        }
        catch (Exception e)
        {
            message = failure is not null ? failure(e) : new Status.Failure(e);
        }
        if (message is not null) recipient.Tell(message, sender);
    }

    /// <summary>
    /// When <paramref name="task"/> completes, tells <paramref name="recipient"/> <paramref name="success"/>() if given (a plain task has
    /// no result to send), or on fault <see cref="Status.Failure"/> (or <paramref name="failure"/>(exception)).
    /// </summary>
    public static async Task PipeTo(this Task task, ICanTell recipient, IActorRef? sender = null, Func<object>? success = null, Func<Exception, object>? failure = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(recipient);
        object? message;
        try
        {
            await task.ConfigureAwait(false);
            message = success?.Invoke();
        }
        catch (Exception e)
        {
            message = failure is not null ? failure(e) : new Status.Failure(e);
        }
        if (message is not null) recipient.Tell(message, sender);
    }

    /// <summary>Like <see cref="PipeTo{T}(Task{T}, ICanTell, IActorRef?, Func{T, object}?, Func{Exception, object}?)"/> for a <see cref="ValueTask{T}"/>.</summary>
    public static Task PipeTo<T>(this ValueTask<T> task, ICanTell recipient, IActorRef? sender = null, Func<T, object>? success = null, Func<Exception, object>? failure = null) =>
        task.AsTask().PipeTo(recipient, sender, success, failure);

    /// <summary>Like <see cref="PipeTo(Task, ICanTell, IActorRef?, Func{object}?, Func{Exception, object}?)"/> for a <see cref="ValueTask"/>.</summary>
    public static Task PipeTo(this ValueTask task, ICanTell recipient, IActorRef? sender = null, Func<object>? success = null, Func<Exception, object>? failure = null) =>
        task.AsTask().PipeTo(recipient, sender, success, failure);
}
