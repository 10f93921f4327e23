using System.Diagnostics;

namespace Shm.Hosting.Tests;

/// <summary>Waits for a condition by polling, with a generous deadline (machines are shared and slow).</summary>
public static class Poll
{
    public static async Task UntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        TimeSpan limit = timeout ?? TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (clock.Elapsed > limit)
                throw new TimeoutException($"Still waiting after {limit.TotalSeconds} s for: {what}");
            await Task.Delay(10);
        }
    }
}
