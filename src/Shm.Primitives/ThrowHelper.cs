using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Shm.Primitives;

/// <summary>Throw sites kept out of hot methods so those stay small enough to inline.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowIo(string operation, string segment, int errno) =>
        throw CreateIo(operation, segment, errno);

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static IOException CreateIo(string operation, string segment, int errno)
    {
        string text = Marshal.GetPInvokeErrorMessage(errno);
        return new IOException(Format(SR.Io_Failed, operation, segment, text, errno), errno);
    }

    [DoesNotReturn]
    public static void ThrowNegativeTimeout(TimeSpan timeout) =>
        throw new ArgumentOutOfRangeException(nameof(timeout), timeout, Format(SR.Wait_NegativeTimeout, timeout));

    /// <summary>A blocking call's timeout, its message formatted from an SR text.</summary>
    [DoesNotReturn]
    public static void ThrowTimeout(string format, params object?[] args) => throw new TimeoutException(Format(format, args));

    [DoesNotReturn]
    public static void ThrowObjectDisposed(string typeName) => throw new ObjectDisposedException(typeName);

    /// <summary>Validates a user capacity and rounds it up to a power of two (minimum 2).</summary>
    public static long RoundCapacity(long capacity, long maxCapacity, [CallerArgumentExpression(nameof(capacity))] string? name = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1, name);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, maxCapacity, name);
        return Math.Max(2, (long)BitOperations.RoundUpToPowerOf2((ulong)capacity));
    }

    /// <summary>Validates a blocking-call timeout: zero or positive, or infinite (-1 ms).</summary>
    public static void ValidateTimeout(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != Timeout.InfiniteTimeSpan)
            ThrowNegativeTimeout(timeout);
    }

    public static string Format(string format, params object?[] args) => string.Format(CultureInfo.InvariantCulture, format, args);
}
