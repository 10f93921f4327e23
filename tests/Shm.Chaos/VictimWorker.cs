using System.Globalization;
using Shm.Primitives;

namespace Shm.Chaos;

/// <summary>
/// The victim's side of a kill: `worker victim PRIMITIVE SEGMENT LOG SOURCE OPERATION SEED` opens the segment,
/// prints "ready" and runs the operation's workload (every operation of the primitive when OPERATION is unknown,
/// so a fault point added later is still reached) at full speed until it dies, logging what it did in LOG.
/// Item ids are SOURCE &lt;&lt; 32 | sequence. A worker that lives past its time limit exits with
/// <see cref="ChaosProcess.PointNotReachedExitCode"/>.
/// </summary>
public static class VictimWorker
{
    public const int Batch = 8;
    private static readonly TimeSpan s_opTimeout = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan s_lifetime = TimeSpan.FromSeconds(60);

    public static int Run(string[] args)
    {
        string primitive = args[0], segment = args[1], logPath = args[2], operation = args[4];
        long source = long.Parse(args[3], CultureInfo.InvariantCulture);
        var random = new Random(int.Parse(args[5], CultureInfo.InvariantCulture));
        using var log = new OpLog(logPath, 1 << 22);
        long sequence = 0;
        long NextId() => (source << 32) | sequence++;
        var deadline = DateTime.UtcNow + s_lifetime;
        Action step = primitive switch
        {
            "queue" => QueueWorkload(segment, operation, log, NextId, random),
            "bytequeue" => ByteQueueWorkload(segment, operation, log, NextId, random),
            "pubsub" => PubSubWorkload(segment, operation, log, NextId, random),
            "bytepubsub" => BytePubSubWorkload(segment, operation, log, NextId, random),
            "reqrep" => ReqRepWorkload(segment, operation, log, NextId),
            _ => throw new ArgumentException($"no victim workload for primitive '{primitive}'"),
        };
        // "quit" on stdin ends the workload cleanly after the operation in progress (paused-owner runs need that).
        bool quit = false;
        var listener = new Thread(() =>
        {
            while (Console.ReadLine() is string line)
            {
                if (line == "quit")
                    Volatile.Write(ref quit, true);
            }
        }) { IsBackground = true };
        listener.Start();
        Console.WriteLine("ready");
        while (DateTime.UtcNow < deadline)
        {
            if (Volatile.Read(ref quit))
                return 0;
            step();
        }
        return ChaosProcess.PointNotReachedExitCode;
    }

    /// <summary>Which of a primitive's operations to run: the named one, or a random one of all of them.</summary>
    private static Func<string> Chooser(string operation, string[] known, Random random) =>
        known.Contains(operation) ? () => operation : () => known[random.Next(known.Length)];

    private static Action QueueWorkload(string segment, string operation, OpLog log, Func<long> nextId, Random random)
    {
        var queue = ShmQueue<ChaosItem>.OpenExisting(segment);
        Func<string> choose = Chooser(operation, ["push", "pop", "pushmany", "popmany"], random);
        var buffer = new ChaosItem[Batch];
        return () =>
        {
            switch (choose())
            {
                case "push":
                {
                    var item = new ChaosItem(nextId());
                    log.Append(OpLog.Tag.BeginPut, 1);
                    log.Append(OpLog.Tag.Item, item.Id);
                    log.Append(OpLog.Tag.End, queue.TryEnqueue(item, s_opTimeout) ? 1 : 0);
                    break;
                }
                case "pushmany":
                {
                    log.Append(OpLog.Tag.BeginPut, Batch);
                    for (int i = 0; i < Batch; i++)
                    {
                        buffer[i] = new ChaosItem(nextId());
                        log.Append(OpLog.Tag.Item, buffer[i].Id);
                    }
                    log.Append(OpLog.Tag.End, queue.EnqueueMany(buffer, s_opTimeout));
                    break;
                }
                case "pop":
                {
                    log.Append(OpLog.Tag.BeginTake, 1);
                    bool got = queue.TryDequeue(out ChaosItem item, s_opTimeout);
                    if (got)
                        LogTaken(log, item);
                    log.Append(OpLog.Tag.End, got ? 1 : 0);
                    break;
                }
                default:
                {
                    log.Append(OpLog.Tag.BeginTake, Batch);
                    int n = queue.DequeueMany(buffer, s_opTimeout);
                    for (int i = 0; i < n; i++)
                        LogTaken(log, buffer[i]);
                    log.Append(OpLog.Tag.End, n);
                    break;
                }
            }
        };
    }

    private static void LogTaken(OpLog log, in ChaosItem item) =>
        log.Append(item.IsIntact ? OpLog.Tag.Item : OpLog.Tag.Torn, item.IsIntact ? item.Id : -1);

    private static void LogTaken(OpLog log, ReadOnlySpan<byte> message) =>
        log.Append(ChaosMessage.IsIntact(message) ? OpLog.Tag.Item : OpLog.Tag.Torn, ChaosMessage.IsIntact(message) ? ChaosMessage.IdOf(message) : -1);

    private static Action ByteQueueWorkload(string segment, string operation, OpLog log, Func<long> nextId, Random random)
    {
        var queue = ShmByteQueue.OpenExisting(segment);
        Func<string> choose = Chooser(operation, ["push", "pushfront", "pop", "popback", "pushmany", "popmany"], random);
        var buffer = new byte[Batch * ChaosMessage.MaxLength];
        var lengths = new int[Batch];
        var batch = new ReadOnlyMemory<byte>[Batch];
        return () =>
        {
            string op = choose();
            switch (op)
            {
                case "push":
                case "pushfront":
                {
                    long id = nextId();
                    byte[] message = ChaosMessage.Create(id);
                    log.Append(OpLog.Tag.BeginPut, 1);
                    log.Append(OpLog.Tag.Item, id);
                    bool ok = op == "push" ? queue.TryEnqueue(message, s_opTimeout) : queue.TryEnqueueFront(message, s_opTimeout);
                    log.Append(OpLog.Tag.End, ok ? 1 : 0);
                    break;
                }
                case "pushmany":
                {
                    log.Append(OpLog.Tag.BeginPut, Batch);
                    for (int i = 0; i < Batch; i++)
                    {
                        long id = nextId();
                        batch[i] = ChaosMessage.Create(id);
                        log.Append(OpLog.Tag.Item, id);
                    }
                    log.Append(OpLog.Tag.End, queue.EnqueueMany(batch, s_opTimeout));
                    break;
                }
                case "pop":
                case "popback":
                {
                    log.Append(OpLog.Tag.BeginTake, 1);
                    bool got = op == "pop" ? queue.TryDequeue(out byte[] message, s_opTimeout) : queue.TryDequeueBack(out message, s_opTimeout);
                    if (got)
                        LogTaken(log, message);
                    log.Append(OpLog.Tag.End, got ? 1 : 0);
                    break;
                }
                default:
                {
                    log.Append(OpLog.Tag.BeginTake, Batch);
                    int n = queue.DequeueMany(buffer, lengths, s_opTimeout);
                    int at = 0;
                    for (int i = 0; i < n; i++)
                    {
                        LogTaken(log, buffer.AsSpan(at, lengths[i]));
                        at += lengths[i];
                    }
                    log.Append(OpLog.Tag.End, n);
                    break;
                }
            }
        };
    }

    private static Action PubSubWorkload(string segment, string operation, OpLog log, Func<long> nextId, Random random)
    {
        var ring = ShmPubSub<ChaosItem>.OpenExisting(segment);
        Func<string> choose = Chooser(operation, ["publish", "publishmany"], random);
        var buffer = new ChaosItem[Batch];
        return () =>
        {
            if (choose() == "publish")
            {
                var item = new ChaosItem(nextId());
                log.Append(OpLog.Tag.BeginPut, 1);
                log.Append(OpLog.Tag.Item, item.Id);
                log.Append(OpLog.Tag.End, ring.TryPublish(item, s_opTimeout) ? 1 : 0);
                return;
            }
            log.Append(OpLog.Tag.BeginPut, Batch);
            for (int i = 0; i < Batch; i++)
            {
                buffer[i] = new ChaosItem(nextId());
                log.Append(OpLog.Tag.Item, buffer[i].Id);
            }
            log.Append(OpLog.Tag.End, ring.PublishMany(buffer));
        };
    }

    private static Action BytePubSubWorkload(string segment, string operation, OpLog log, Func<long> nextId, Random random)
    {
        var ring = ShmBytePubSub.OpenExisting(segment);
        Func<string> choose = Chooser(operation, ["publish", "publishmany"], random);
        var batch = new ReadOnlyMemory<byte>[Batch];
        return () =>
        {
            if (choose() == "publish")
            {
                long id = nextId();
                log.Append(OpLog.Tag.BeginPut, 1);
                log.Append(OpLog.Tag.Item, id);
                log.Append(OpLog.Tag.End, ring.TryPublish(ChaosMessage.Create(id), s_opTimeout) ? 1 : 0);
                return;
            }
            log.Append(OpLog.Tag.BeginPut, Batch);
            for (int i = 0; i < Batch; i++)
            {
                long id = nextId();
                batch[i] = ChaosMessage.Create(id);
                log.Append(OpLog.Tag.Item, id);
            }
            log.Append(OpLog.Tag.End, ring.PublishMany(batch) ? Batch : 0);
        };
    }

    private static Action ReqRepWorkload(string segment, string operation, OpLog log, Func<long> nextId)
    {
        if (operation == "server")
        {
            var server = ShmReqRepServer.OpenExisting(segment);
            return () =>
            {
                // Logged before the receive: the server's fault points lie inside it.
                log.Append(OpLog.Tag.BeginTake, 1);
                if (!server.TryReceive(out ShmRequest request, s_opTimeout))
                {
                    log.Append(OpLog.Tag.End, 0);
                    return;
                }
                LogTaken(log, request.Payload.Span);
                server.Reply(request.Id, ChaosMessage.AnswerTo(request.Payload.Span));
                log.Append(OpLog.Tag.End, 1);
            };
        }
        // A client (the default for an unknown operation: every reqrep point but the server's is on the client side).
        var client = ShmReqRepClient.OpenExisting(segment);
        return () =>
        {
            long id = nextId();
            log.Append(OpLog.Tag.BeginPut, 1);
            log.Append(OpLog.Tag.Item, id);
            byte[] answer = client.Request(ChaosMessage.Create(id), TimeSpan.FromSeconds(30));
            if (!ChaosMessage.IsAnswerTo(id, answer))
                log.Append(OpLog.Tag.Torn, id);
            // For a client, End(1) means the round trip completed with the right answer.
            log.Append(OpLog.Tag.End, ChaosMessage.IsAnswerTo(id, answer) ? 1 : 0);
        };
    }
}
