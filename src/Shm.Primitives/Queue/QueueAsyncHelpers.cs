using System.Runtime.CompilerServices;

namespace Shm.Primitives.Queue;

/// <summary>The async state machines of ShmQueue, kept out of its unsafe partial class (async code cannot be unsafe).</summary>
internal static class QueueAsyncHelpers
{
    public static async IAsyncEnumerable<T> ReadAll<T>(ShmQueue<T> queue, [EnumeratorCancellation] CancellationToken cancellationToken)
        where T : unmanaged
    {
        while (true)
            yield return await queue.DequeueAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async ValueTask<bool> CompleteWithTrue(ValueTask wait)
    {
        await wait.ConfigureAwait(false);
        return true;
    }
}
