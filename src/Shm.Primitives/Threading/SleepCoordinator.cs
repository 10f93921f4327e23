using System.Diagnostics;
using System.Runtime.CompilerServices;
using Shm.Primitives.Participants;
using Shm.Primitives.Segments;

namespace Shm.Primitives.Threading;

/// <summary>
/// The sleeping and waking of one segment's two sides (consumers waiting for data, producers waiting for room):
/// a futex word and a sleeper count per side, living in the segment. Shared by every primitive.
/// </summary>
/// <remarks>
/// The handshake:
/// <code>
/// sleeper: Interlocked.Increment(Waiters); AsymmetricFence.Heavy(); read WakeSequence; re-check; futex_wait(WakeSequence)
/// waker:   change the state; AsymmetricFence.Light(); read Waiters; if non-zero: increment WakeSequence, futex_wake
/// </code>
/// Either the sleeper's re-check sees the change or the waker sees the sleeper; a wake between the sleeper's read of
/// WakeSequence and its futex_wait makes the wait return at once. Sleeper counts are also kept per participant
/// record (global first, record second; the reverse when leaving) so a killed sleeper can only leave the global
/// count too high, and reaping its record corrects it.
/// </remarks>
internal sealed unsafe class SleepCoordinator
{
    private const int SpinIterations = 12;
    private const int YieldIterations = 4;

    /// <summary>Attempts a waiter makes before it first sleeps (spins, then yields).</summary>
    public const int SpinPhaseAttempts = SpinIterations + YieldIterations;
    private const int ZeroWakesBeforeReap = 64;
    private static readonly TimeSpan s_suspectSlice = TimeSpan.FromMilliseconds(5);
    private static readonly TimeSpan s_idleSlice = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_unfencedSlice = TimeSpan.FromMilliseconds(1);
    private static readonly Action<object?> s_wakeConsumersOnCancel = static state => ((SleepCoordinator)state!).WakeAll(consumers: true, producers: false);
    private static readonly Action<object?> s_wakeProducersOnCancel = static state => ((SleepCoordinator)state!).WakeAll(consumers: false, producers: true);

    private readonly uint* _consumerWakeSequence;
    private readonly uint* _consumerWaiters;
    private readonly uint* _producerWakeSequence;
    private readonly uint* _producerWaiters;
    private readonly ParticipantTable _participants;
    private readonly Action _reapDeadParticipants;
    private readonly Segment _segment;
    private int _zeroWakes;

    public SleepCoordinator(Segment segment, uint* consumerWakeSequence, uint* consumerWaiters, uint* producerWakeSequence, uint* producerWaiters,
        ParticipantTable participants, Action reapDeadParticipants)
    {
        _segment = segment;
        // A truncated file wakes every sleeper, and each then finds the segment unusable (ThrowIfUnusable).
        segment.TruncationObserved += () => WakeAll(consumers: true, producers: true);
        AsymmetricFence.EnsureRegistered();
        _consumerWakeSequence = consumerWakeSequence;
        _consumerWaiters = consumerWaiters;
        _producerWakeSequence = producerWakeSequence;
        _producerWaiters = producerWaiters;
        _participants = participants;
        _reapDeadParticipants = reapDeadParticipants;
    }

    public ParticipantTable Participants => _participants;

    public uint* WakeSequenceFor(bool consumerSide) => consumerSide ? _consumerWakeSequence : _producerWakeSequence;

    public uint* WaitersFor(bool consumerSide) => consumerSide ? _consumerWaiters : _producerWaiters;

    public int SleepingConsumers => (int)Volatile.Read(ref *_consumerWaiters);

    public int SleepingProducers => (int)Volatile.Read(ref *_producerWaiters);

    /// <summary>After a change that may let the other side proceed: wakes only if a sleeper is registered.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WakeAfterChange(bool consumers, int count)
    {
        // Our state change must be ordered before the read of the sleeper count; pairs with the sleeper's Heavy fence.
        AsymmetricFence.Light();
        if (Volatile.Read(ref *WaitersFor(consumers)) != 0)
            WakeSleepers(consumers, count);
    }

    /// <summary>Bumps the side's word and wakes up to <paramref name="count"/> sleepers (a sleeper is registered).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void WakeSleepers(bool consumers, int count)
    {
        uint* word = WakeSequenceFor(consumers);
        // Bump first so a sleeper that read the old value and has not reached futex_wait returns at once.
        Interlocked.Increment(ref *word);
        if (Futex.Wake(word, count) == 0 && ++_zeroWakes >= ZeroWakesBeforeReap)
        {
            // Registered sleepers that nobody finds: a sleeper died registered. Reaping its record fixes the count.
            _zeroWakes = 0;
            _reapDeadParticipants();
        }
    }

    /// <summary>Throws once the segment is disposed or truncated: checked by every waiter each time it wakes.</summary>
    public void ThrowIfUnusable() => _segment.ThrowIfUnusable();

    /// <summary>Wakes every sleeper on the chosen sides (cancellation, Clear, repairs).</summary>
    public void WakeAll(bool consumers, bool producers)
    {
        if (consumers)
        {
            Interlocked.Increment(ref *_consumerWakeSequence);
            Futex.Wake(_consumerWakeSequence, int.MaxValue);
        }
        if (producers)
        {
            Interlocked.Increment(ref *_producerWakeSequence);
            Futex.Wake(_producerWakeSequence, int.MaxValue);
        }
    }

    /// <summary>
    /// Repeats <paramref name="attempt"/> until it succeeds, the timeout passes or the token is cancelled: a short
    /// spin, a few yields (the other side may be on this very CPU), then futex sleeps. Sleeps are sliced so what
    /// <paramref name="target"/> finds in flight (possibly held by a dead process) is examined again soon.
    /// </summary>
    /// <returns>False at timeout. TimeSpan.Zero returns false at once: the caller has made its one try.</returns>
    /// <remarks>Without <paramref name="spin"/> the caller goes straight to the futex (a waiting strategy that gives the CPU away).</remarks>
    public bool Wait<TTarget, TAttempt>(TTarget target, scoped ref TAttempt attempt, bool consumerSide, TimeSpan timeout, CancellationToken cancellationToken, bool spin = true)
        where TTarget : IWaitTarget
        where TAttempt : struct, IWaitAttempt, allows ref struct
    {
        if (timeout == TimeSpan.Zero)
            return false;
        cancellationToken.ThrowIfCancellationRequested();
        long start = Stopwatch.GetTimestamp();
        bool infinite = timeout == Timeout.InfiniteTimeSpan;

        for (int i = 0; spin && i < SpinIterations; i++)
        {
            Thread.SpinWait(4 << Math.Min(i, 5));
            if (attempt.TryOnce())
                return true;
        }
        for (int i = 0; spin && i < YieldIterations; i++)
        {
            Thread.Yield();
            if (attempt.TryOnce())
                return true;
        }

        uint* wakeSequence = WakeSequenceFor(consumerSide);
        uint* waiters = WaitersFor(consumerSide);
        ThreadParticipant me = _participants.Current;
        using CancellationTokenRegistration registration = cancellationToken.CanBeCanceled
            ? cancellationToken.UnsafeRegister(consumerSide ? s_wakeConsumersOnCancel : s_wakeProducersOnCancel, this)
            : default;

        while (true)
        {
            _segment.ThrowIfUnusable();
            TimeSpan remaining = infinite ? Timeout.InfiniteTimeSpan : timeout - Stopwatch.GetElapsedTime(start);
            if (!infinite && remaining <= TimeSpan.Zero)
                return false;

            Register(me, waiters, consumerSide);
            uint seen = Volatile.Read(ref *wakeSequence);
            bool done = attempt.TryOnce();
            if (!done && !cancellationToken.IsCancellationRequested)
            {
                TimeSpan slice = target.ExamineWhileWaiting(me, consumerSide) ? s_suspectSlice : s_idleSlice;
                if (!AsymmetricFence.IsAsymmetric && slice > s_unfencedSlice)
                    slice = s_unfencedSlice;
                if (!infinite && remaining < slice)
                    slice = remaining;
                me.Counter(ParticipantCounter.Sleeps)++;
                Futex.Wait(wakeSequence, seen, slice);
            }
            Unregister(me, waiters, consumerSide);

            if (done)
                return true;
            cancellationToken.ThrowIfCancellationRequested();
            if (attempt.TryOnce())
                return true;
        }
    }

    /// <summary>Counts a sleeper in (global first, then its record) and fences against every waker.</summary>
    /// <remarks>
    /// A kill between the two increments leaves the global count one too high with nothing in the record for a
    /// reaper to subtract: every later operation then pays a wake call for a sleeper that does not exist. So the
    /// record's counter is located before the global count moves, and the two increments are adjacent. Locating
    /// it between them (a property call: on first use a JIT compilation, hundreds of microseconds or more on a
    /// busy machine) made that window wide enough for a kill aimed at a sleeper that had just registered to land
    /// in it. Compiled optimized from the first call, so the increments are two adjacent locked instructions.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Register(ThreadParticipant me, uint* waiters, bool consumerSide)
    {
        uint* mine = me.WaitsCounter(consumerSide);
        Interlocked.Increment(ref *waiters);
        Interlocked.Increment(ref *mine);
        AsymmetricFence.Heavy(); // pairs with AsymmetricFence.Light in every waker
    }

    /// <summary>Counts a sleeper out (record first, then global: a crash in between over-counts, never under-counts).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Unregister(ThreadParticipant me, uint* waiters, bool consumerSide)
    {
        uint* mine = me.WaitsCounter(consumerSide); // located first, as in Register, so the two decrements are adjacent
        Interlocked.Decrement(ref *mine);
        Interlocked.Decrement(ref *waiters);
    }
}
