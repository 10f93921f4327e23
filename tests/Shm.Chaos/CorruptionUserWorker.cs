using System.Globalization;
using Shm.Primitives;

namespace Shm.Chaos;

/// <summary>
/// `worker user KIND SEGMENT SEED COUNTERS`: a writer and a reader thread operating on a segment the mutator is
/// corrupting, until "quit" arrives on stdin. Each outcome is counted in COUNTERS: an operation (success, nothing
/// now, or a documented outcome such as a timeout), a documented exception (ShmCorruptedException; on reopening, the
/// header validation's InvalidDataException), or a crash: any other exception is printed with its stack and ends the
/// process with exit code 3. Every few hundred operations the reader reopens the segment, so header validation
/// meets the corruption too. Repairs are the segment's own recovery counter's growth as this process saw it.
/// </summary>
public static class CorruptionUserWorker
{
    public const int CrashExitCode = 3;
    private const int OperationsBetweenReopens = 500;
    private static readonly TimeSpan s_timeout = TimeSpan.FromMilliseconds(2);
    private static volatile bool s_quit;

    public static int Run(string[] args)
    {
        string kind = args[0], segment = args[1];
        int seed = int.Parse(args[2], CultureInfo.InvariantCulture);
        using var counters = new SharedCounters(args[3]);
        var threads = new[]
        {
            new Thread(() => Loop(kind, segment, writer: true, seed, counters)) { Name = "writer" },
            new Thread(() => Loop(kind, segment, writer: false, seed + 1, counters)) { Name = "reader" },
        };
        foreach (Thread thread in threads)
            thread.Start();
        Console.WriteLine("ready");
        while (Console.ReadLine() is string line && line != "quit")
        {
        }
        s_quit = true;
        foreach (Thread thread in threads)
            thread.Join();
        return 0;
    }

    private static void Loop(string kind, string segment, bool writer, int seed, SharedCounters counters)
    {
        var random = new Random(seed);
        long id = (long)seed << 32;
        try
        {
            while (!s_quit)
            {
                Target? target = Open(kind, segment, counters);
                if (target is null)
                    continue;
                using (target)
                {
                    long before = RecoveriesOf(target, counters);
                    for (int i = 0; i < OperationsBetweenReopens && !s_quit; i++)
                    {
                        try
                        {
                            target.Operate(writer, random, ++id);
                            counters.Add(SharedCounters.Operations, 1);
                        }
                        catch (Exception e) when (IsDocumented(e))
                        {
                            counters.Add(SharedCounters.Exceptions, 1);
                        }
                    }
                    long grown = RecoveriesOf(target, counters) - before;
                    if (grown > 0 && grown <= OperationsBetweenReopens)
                        counters.Add(SharedCounters.Repairs, grown); // a garbage counter (it is in the segment too) is not a repair
                }
            }
        }
        catch (Exception e)
        {
            Console.Error.WriteLine($"CRASH in {Thread.CurrentThread.Name} on {kind}: {e}");
            Console.Error.Flush();
            Environment.Exit(CrashExitCode);
        }
    }

    /// <summary>The segment's recovery counter; a documented exception (a truncated segment's stats throw) is counted and reads as 0.</summary>
    private static long RecoveriesOf(Target target, SharedCounters counters)
    {
        try
        {
            return target.Recoveries();
        }
        catch (Exception e) when (IsDocumented(e))
        {
            counters.Add(SharedCounters.Exceptions, 1);
            return 0;
        }
    }

    /// <summary>The documented outcomes of an operation on a corrupt segment.</summary>
    private static bool IsDocumented(Exception e) => e is ShmCorruptedException or TimeoutException or ShmServerUnavailableException or ShmStaleRequestException;

    private static Target? Open(string kind, string segment, SharedCounters counters)
    {
        try
        {
            return kind switch
            {
                "queue" => new QueueTarget(ShmQueue<ChaosItem>.OpenExisting(segment)),
                "bytequeue" => new ByteQueueTarget(ShmByteQueue.OpenExisting(segment)),
                "pubsub" => new PubSubTarget(ShmPubSub<ChaosItem>.OpenExisting(segment)),
                "bytepubsub" => new BytePubSubTarget(ShmBytePubSub.OpenExisting(segment)),
                "reqrep" => new ReqRepTarget(segment),
                _ => throw new ArgumentException($"no corruption workload for '{kind}'"),
            };
        }
        catch (Exception e) when (e is InvalidDataException or ShmCorruptedException)
        {
            // The header validation refused the segment: documented. Try again (the mutator may fix it back).
            counters.Add(SharedCounters.Exceptions, 1);
            Thread.Sleep(1);
            return null;
        }
    }

    private abstract class Target : IDisposable
    {
        public abstract void Operate(bool writer, Random random, long id);

        public abstract long Recoveries();

        public abstract void Dispose();
    }

    private sealed class QueueTarget(ShmQueue<ChaosItem> queue) : Target
    {
        private readonly ChaosItem[] _batch = new ChaosItem[4];

        public override void Operate(bool writer, Random random, long id)
        {
            if (writer)
            {
                if (random.Next(4) == 0)
                    queue.EnqueueMany(_batch, s_timeout);
                else
                    queue.TryEnqueue(new ChaosItem(id), s_timeout);
            }
            else if (random.Next(4) == 0)
            {
                queue.DequeueMany(_batch, s_timeout);
            }
            else
            {
                queue.TryDequeue(out _, s_timeout);
                queue.TryPeek(out _);
            }
        }

        public override long Recoveries() => queue.GetStats().Recoveries;

        public override void Dispose() => queue.Dispose();
    }

    private sealed class ByteQueueTarget(ShmByteQueue queue) : Target
    {
        private readonly byte[] _buffer = new byte[4 * ChaosMessage.MaxLength];
        private readonly int[] _lengths = new int[4];

        public override void Operate(bool writer, Random random, long id)
        {
            switch ((writer ? 0 : 4) + random.Next(4))
            {
                case 0:
                    queue.TryEnqueue(ChaosMessage.Create(id), s_timeout);
                    break;
                case 1:
                    queue.TryEnqueueFront(ChaosMessage.Create(id), s_timeout);
                    break;
                case 2:
                    queue.EnqueueMany([ChaosMessage.Create(id), ChaosMessage.Create(id + 1)], s_timeout);
                    break;
                case 3:
                    queue.Verify();
                    break;
                case 4:
                    queue.TryDequeue(out byte[] _, s_timeout);
                    break;
                case 5:
                    queue.TryDequeueBack(out byte[] _, s_timeout);
                    break;
                case 6:
                    queue.DequeueMany(_buffer, _lengths, s_timeout);
                    break;
                default:
                    queue.TryPeekLength(out _);
                    _ = queue.Count;
                    break;
            }
        }

        public override long Recoveries() => queue.GetStats().Recoveries;

        public override void Dispose() => queue.Dispose();
    }

    private sealed class PubSubTarget : Target
    {
        private readonly ShmPubSub<ChaosItem> _ring;
        private readonly ShmSubscriber<ChaosItem> _subscriber;
        private readonly ChaosItem[] _batch = new ChaosItem[4];

        public PubSubTarget(ShmPubSub<ChaosItem> ring)
        {
            _ring = ring;
            _subscriber = ring.Subscribe();
        }

        public override void Operate(bool writer, Random random, long id)
        {
            if (writer)
            {
                if (random.Next(4) == 0)
                    _ring.PublishMany(_batch);
                else
                    _ring.TryPublish(new ChaosItem(id), s_timeout);
            }
            else if (random.Next(4) == 0)
            {
                _subscriber.PollMany(_batch);
            }
            else
            {
                _subscriber.TryPoll(out _, s_timeout);
            }
        }

        public override long Recoveries() => _ring.GetStats().Abandoned;

        public override void Dispose()
        {
            _subscriber.Dispose();
            _ring.Dispose();
        }
    }

    private sealed class BytePubSubTarget : Target
    {
        private readonly ShmBytePubSub _ring;
        private readonly ShmByteSubscriber _subscriber;

        public BytePubSubTarget(ShmBytePubSub ring)
        {
            _ring = ring;
            _subscriber = ring.Subscribe();
        }

        public override void Operate(bool writer, Random random, long id)
        {
            if (writer)
            {
                if (random.Next(4) == 0)
                    _ring.PublishMany([ChaosMessage.Create(id), ChaosMessage.Create(id + 1)]);
                else
                    _ring.TryPublish(ChaosMessage.Create(id), s_timeout);
            }
            else
            {
                _subscriber.TryPoll(out byte[] _, s_timeout);
            }
        }

        public override long Recoveries() => _ring.GetStats().Abandoned;

        public override void Dispose()
        {
            _subscriber.Dispose();
            _ring.Dispose();
        }
    }

    private sealed class ReqRepTarget : Target
    {
        private readonly ShmReqRepServer _server;
        private readonly ShmReqRepClient _client;

        public ReqRepTarget(string segment)
        {
            _server = ShmReqRepServer.OpenExisting(segment);
            try
            {
                _client = ShmReqRepClient.OpenExisting(segment);
            }
            catch
            {
                _server.Dispose();
                throw;
            }
        }

        public override void Operate(bool writer, Random random, long id)
        {
            if (writer)
            {
                _client.Request(ChaosMessage.Create(id), TimeSpan.FromMilliseconds(20));
            }
            else if (_server.TryReceive(out ShmRequest request, s_timeout))
            {
                _server.Reply(request.Id, ChaosMessage.AnswerTo(request.Payload.Span));
            }
        }

        public override long Recoveries() => _client.GetStats().Recoveries;

        public override void Dispose()
        {
            _client.Dispose();
            _server.Dispose();
        }
    }
}
