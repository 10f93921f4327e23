using System.Runtime.CompilerServices;

namespace Shm.Primitives.Threading;

/// <summary>The async state machines the primitives share (async code cannot live in their unsafe partial classes).</summary>
internal static class AsyncForms
{
    /// <summary>An endless stream of what <paramref name="next"/> returns, until cancellation or an error.</summary>
    public static async IAsyncEnumerable<T> ReadAll<T>(Func<CancellationToken, ValueTask<T>> next, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
            yield return await next(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Completes with true when <paramref name="wait"/> completes (WaitToRead/WaitToWrite).</summary>
    public static async ValueTask<bool> CompleteWithTrue(ValueTask wait)
    {
        await wait.ConfigureAwait(false);
        return true;
    }
}
