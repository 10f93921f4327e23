using System.Diagnostics;
using Xunit.Sdk;

namespace Shm.TestKit;

public abstract partial class TestKitBase
{
    /// <summary>The default polling interval of <see cref="AwaitAssert"/>.</summary>
    private static readonly TimeSpan s_defaultAssertInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Runs <paramref name="assertion"/> until it stops throwing, every <paramref name="interval"/> (100 ms), for at most
    /// <paramref name="duration"/> (default: remaining or 3 s); at the deadline the last failure is rethrown.
    /// </summary>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        TimeSpan max = Resolve(duration);
        TimeSpan pause = interval ?? s_defaultAssertInterval;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (Stopwatch.GetElapsedTime(start) < max)
            {
                Thread.Sleep(Min(pause, max - Stopwatch.GetElapsedTime(start)));
            }
        }
    }

    /// <summary>
    /// Polls <paramref name="condition"/> until it is true, every <paramref name="interval"/> (default max / 10), for at most
    /// <paramref name="max"/> (default: remaining or 3 s); fails with <paramref name="message"/> at the deadline.
    /// </summary>
    public void AwaitCondition(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        TimeSpan limit = Resolve(max);
        TimeSpan pause = interval ?? TimeSpan.FromTicks(Math.Max(limit.Ticks / 10, TimeSpan.TicksPerMillisecond));
        long start = Stopwatch.GetTimestamp();
        while (!condition())
        {
            TimeSpan left = limit - Stopwatch.GetElapsedTime(start);
            if (left <= TimeSpan.Zero) throw Fail($"Condition not met within {limit.TotalMilliseconds:0} ms", message);
            Thread.Sleep(Min(pause, left));
        }
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    /// <summary>Async twin of <see cref="AwaitAssert"/>.</summary>
    public async Task AwaitAssertAsync(Func<Task> assertion, TimeSpan? duration = null, TimeSpan? interval = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        TimeSpan max = Resolve(duration);
        TimeSpan pause = interval ?? s_defaultAssertInterval;
        long start = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                await assertion().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && Stopwatch.GetElapsedTime(start) < max)
            {
                await Task.Delay(Min(pause, max - Stopwatch.GetElapsedTime(start)), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Async twin of <see cref="AwaitCondition"/>.</summary>
    public async Task AwaitConditionAsync(Func<bool> condition, TimeSpan? max = null, TimeSpan? interval = null, string? message = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        TimeSpan limit = Resolve(max);
        TimeSpan pause = interval ?? TimeSpan.FromTicks(Math.Max(limit.Ticks / 10, TimeSpan.TicksPerMillisecond));
        long start = Stopwatch.GetTimestamp();
        while (!condition())
        {
            TimeSpan left = limit - Stopwatch.GetElapsedTime(start);
            if (left <= TimeSpan.Zero) throw new XunitException(message is null ? $"Condition not met within {limit.TotalMilliseconds:0} ms" : $"Condition not met within {limit.TotalMilliseconds:0} ms ({message})");
            await Task.Delay(Min(pause, left), cancellationToken).ConfigureAwait(false);
        }
    }
}
