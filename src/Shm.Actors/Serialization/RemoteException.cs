namespace Shm.Actors.Serialization;

/// <summary>
/// Stands in for an exception that crossed a process boundary but could not be recreated as its own type: the type is not
/// loadable here, is not an exception, or has no public <c>(string message)</c> or <c>(string message, Exception inner)</c>
/// constructor. <see cref="Exception.Message"/> is the original message, <see cref="OriginalTypeName"/> the original type,
/// <see cref="Exception.InnerException"/> the (recreated) inner exception, and the original stack trace is kept as the
/// remote part of <see cref="Exception.StackTrace"/>.
/// </summary>
/// <example><code>
/// catch (RemoteException e) when (e.OriginalTypeName.StartsWith("Shop.OutOfStockException", StringComparison.Ordinal)) { … }
/// </code></example>
public sealed class RemoteException : Exception
{
    /// <summary>Creates the stand-in.</summary>
    /// <param name="originalTypeName">The version-free assembly-qualified name of the original exception type.</param>
    /// <param name="message">The original message.</param>
    /// <param name="innerException">The original inner exception, recreated, or null.</param>
    public RemoteException(string originalTypeName, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        ArgumentNullException.ThrowIfNull(originalTypeName);
        OriginalTypeName = originalTypeName;
    }

    /// <summary>The type of the original exception, as <c>Namespace.Type, Assembly</c>.</summary>
    public string OriginalTypeName { get; }

    /// <summary>Like <see cref="Exception.ToString"/>, with the original type after this one's name: <c>…RemoteException [Shop.OutOfStock, Shop]: message</c>.</summary>
    public override string ToString()
    {
        string text = base.ToString();
        string self = GetType().FullName!;
        return text.StartsWith(self, StringComparison.Ordinal) ? $"{self} [{OriginalTypeName}]{text[self.Length..]}" : text;
    }
}
