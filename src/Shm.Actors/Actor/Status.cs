namespace Shm.Actors;

/// <summary>Conventional replies: <see cref="Success"/> and <see cref="Failure"/>. An Ask whose reply is a <see cref="Failure"/> faults with its cause.</summary>
public static class Status
{
    /// <summary>A successful outcome carrying <see cref="Status"/>.</summary>
    /// <param name="Status">The result, if any.</param>
    public sealed record Success(object? Status);

    /// <summary>A failed outcome; Ask faults its task with <see cref="Cause"/>, PipeTo sends one when the piped task faults.</summary>
    /// <param name="Cause">The exception.</param>
    /// <param name="State">Optional context.</param>
    public sealed record Failure(Exception Cause, object? State = null);
}
