using System.Globalization;
using Shm.Primitives;
using Shm.TestWorker;

// A child process for the multi-process tests. Roles:
//   produce NAME PRODUCER_ID COUNT BATCH        push (id << 32 | seq) for seq in [0, COUNT); BATCH > 1 uses EnqueueMany
//   consume NAME LOG_PATH LOG_CAPACITY BATCH    pop into LOG_PATH until a -1 sentinel; BATCH > 1 uses DequeueMany
//   create-race NAME CAPACITY START_UNIX_MS     wait for the start instant, CreateOrOpen, push our pid, print capacity
//   open-fd FD                                  open an inherited memfd, pop one item, print it
//   open-path PATH                              open a queue by path (e.g. /proc/PID/fd/N), pop one item, print it
//   bq-produce NAME PRODUCER COUNT MODE         ShmByteQueue: push ByteQueueMessage (PRODUCER, 0..COUNT-1);
//                                               MODE: back, front, or a batch size for EnqueueMany
//   bq-consume NAME LOG LOG_CAPACITY MODE       ShmByteQueue: pop until the sentinel, logging identity and hash
//                                               of each message; MODE: front, back, or a batch size; exit 3 if torn
//   ps-publish NAME PUBLISHER COUNT BATCH        ShmPubSub<long>: publish (PUBLISHER << 32 | seq) for seq in [0, COUNT),
//                                               BATCH > 1 with PublishMany
//   ps-subscribe NAME LOG LOG_CAPACITY COUNT     ShmPubSub<long>: subscribe (future messages), read COUNT, log each
//   bps-publish NAME PUBLISHER COUNT BATCH       ShmBytePubSub: publish ByteQueueMessage (PUBLISHER, 0..COUNT-1)
//   rr-server NAME                              ShmReqRepServer: answer each request with ReqRepEcho.Answer until killed
//   rr-client NAME CLIENT COUNT CANCEL_EVERY     ShmReqRepClient: COUNT requests (CLIENT, i); every CANCEL_EVERY-th is sent
//                                               and cancelled; prints "done WRONG" (responses not matching their request)
//   rrt-server NAME                             ShmReqRepServer<long,long>: answer each request with its square until killed
//   rr-hold NAME                                ShmReqRepClient: take every response slot, print "held N", wait to be killed
//   bq-await-truncation NAME                    ShmByteQueue: wait for a message; print "corrupted MESSAGE" when the file
//                                               is truncated under it (exit 0), "message" if one arrives (exit 3)
// Prints "ready" once the queue is open, and "done" (or a result) at the end. SHM_FAULT arms fault points.
static long L(string s) => long.Parse(s, CultureInfo.InvariantCulture);
TimeSpan patience = TimeSpan.FromMinutes(2);

switch (args[0])
{
    case "produce":
    {
        using var queue = ShmQueue<long>.OpenExisting(args[1]);
        Console.WriteLine("ready");
        long id = L(args[2]), count = L(args[3]);
        int batch = (int)L(args[4]);
        if (batch <= 1)
        {
            for (long seq = 0; seq < count; seq++)
                queue.Enqueue((id << 32) | seq, patience);
        }
        else
        {
            var buffer = new long[batch];
            for (long seq = 0; seq < count; seq += batch)
            {
                int n = (int)Math.Min(batch, count - seq);
                for (int k = 0; k < n; k++)
                    buffer[k] = (id << 32) | (seq + k);
                if (queue.EnqueueMany(buffer.AsSpan(0, n), patience) != n)
                    throw new TimeoutException("queue stayed full");
            }
        }
        Console.WriteLine("done");
        return 0;
    }
    case "consume":
    {
        using var queue = ShmQueue<long>.OpenExisting(args[1]);
        using var log = new ItemLog(args[2], L(args[3]));
        int batch = (int)L(args[4]);
        Console.WriteLine("ready");
        var buffer = new long[Math.Max(1, batch)];
        while (true)
        {
            int n = batch <= 1
                ? (queue.TryDequeue(out buffer[0], patience) ? 1 : throw new TimeoutException("queue stayed empty"))
                : queue.DequeueMany(buffer, patience);
            if (n == 0)
                throw new TimeoutException("queue stayed empty");
            for (int k = 0; k < n; k++)
            {
                if (buffer[k] == -1)
                {
                    // Hand back sentinels a batch took for other consumers, then stop.
                    for (int j = k + 1; j < n; j++)
                    {
                        if (buffer[j] == -1)
                            queue.Enqueue(-1, patience);
                        else
                            log.Append(buffer[j]);
                    }
                    Console.WriteLine("done");
                    return 0;
                }
                log.Append(buffer[k]);
            }
        }
    }
    case "create-race":
    {
        long start = L(args[3]);
        while (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() < start)
            Thread.SpinWait(100);
        using var queue = ShmQueue<long>.CreateOrOpen(args[1], L(args[2]));
        queue.Enqueue(Environment.ProcessId, patience);
        Console.WriteLine(queue.Capacity.ToString(CultureInfo.InvariantCulture));
        return 0;
    }
    case "open-fd":
    {
        using var queue = ShmQueue<long>.OpenDescriptor((int)L(args[1]));
        Console.WriteLine(queue.Dequeue(patience).ToString(CultureInfo.InvariantCulture));
        return 0;
    }
    case "open-path":
    {
        using var queue = ShmQueue<long>.OpenExisting(args[1]);
        Console.WriteLine(queue.Dequeue(patience).ToString(CultureInfo.InvariantCulture));
        return 0;
    }
    case "bq-produce":
    {
        using var queue = ShmByteQueue.OpenExisting(args[1]);
        Console.WriteLine("ready");
        int producer = (int)L(args[2]), count = (int)L(args[3]);
        string mode = args[4];
        if (mode is "back" or "front")
        {
            for (int seq = 0; seq < count; seq++)
            {
                byte[] message = ByteQueueMessage.Create(producer, seq);
                bool pushed = mode == "back" ? queue.TryEnqueue(message, patience) : queue.TryEnqueueFront(message, patience);
                if (!pushed)
                    throw new TimeoutException("byte queue stayed full");
            }
        }
        else
        {
            int batch = (int)L(mode);
            for (int seq = 0; seq < count; seq += batch)
            {
                ReadOnlyMemory<byte>[] messages = Enumerable.Range(seq, Math.Min(batch, count - seq))
                    .Select(s => (ReadOnlyMemory<byte>)ByteQueueMessage.Create(producer, s)).ToArray();
                if (queue.EnqueueMany(messages, patience) != messages.Length)
                    throw new TimeoutException("byte queue stayed full");
            }
        }
        Console.WriteLine("done");
        return 0;
    }
    case "bq-consume":
    {
        using var queue = ShmByteQueue.OpenExisting(args[1]);
        using var log = new ItemLog(args[2], L(args[3]));
        string mode = args[4];
        Console.WriteLine("ready");
        var buffer = new byte[64 * 1024];
        var lengths = new int[mode is "front" or "back" ? 1 : (int)L(mode)];
        while (true)
        {
            int n;
            if (mode is "front" or "back")
            {
                bool taken = mode == "front"
                    ? queue.TryDequeue(out byte[] one, patience)
                    : queue.TryDequeueBack(out one, patience);
                if (!taken)
                    throw new TimeoutException("byte queue stayed empty");
                one.CopyTo(buffer, 0);
                lengths[0] = one.Length;
                n = 1;
            }
            else
            {
                n = queue.DequeueMany(buffer, lengths, patience);
                if (n == 0)
                    throw new TimeoutException("byte queue stayed empty");
            }
            int at = 0;
            for (int k = 0; k < n; k++)
            {
                ReadOnlySpan<byte> message = buffer.AsSpan(at, lengths[k]);
                at += lengths[k];
                if (message.SequenceEqual(ByteQueueMessage.Sentinel))
                {
                    // Keep what the batch took after the sentinel: log messages, hand back other consumers' sentinels.
                    for (int j = k + 1; j < n; j++)
                    {
                        ReadOnlySpan<byte> rest = buffer.AsSpan(at, lengths[j]);
                        at += lengths[j];
                        if (rest.SequenceEqual(ByteQueueMessage.Sentinel))
                        {
                            queue.Enqueue(ByteQueueMessage.Sentinel, patience);
                        }
                        else
                        {
                            log.Append(ByteQueueMessage.IdentityOf(rest));
                            log.Append(ByteQueueMessage.Hash(rest));
                        }
                    }
                    Console.WriteLine("done");
                    return 0;
                }
                if (!ByteQueueMessage.IsIntact(message))
                {
                    Console.Error.WriteLine($"torn message of {message.Length} bytes");
                    return 3;
                }
                log.Append(ByteQueueMessage.IdentityOf(message));
                log.Append(ByteQueueMessage.Hash(message));
            }
        }
    }
    case "ps-publish":
    {
        using var ring = ShmPubSub<long>.OpenExisting(args[1]);
        Console.WriteLine("ready");
        long publisher = L(args[2]), count = L(args[3]);
        int batch = (int)L(args[4]);
        var values = new long[batch];
        for (long seq = 0; seq < count; seq += batch)
        {
            int n = (int)Math.Min(batch, count - seq);
            for (int k = 0; k < n; k++)
                values[k] = (publisher << 32) | (seq + k);
            if (batch == 1)
                ring.Publish(values[0]);
            else
                ring.PublishMany(values.AsSpan(0, n));
        }
        Console.WriteLine("done");
        return 0;
    }
    case "ps-subscribe":
    {
        using var ring = ShmPubSub<long>.OpenExisting(args[1]);
        using var log = new ItemLog(args[2], L(args[3]));
        ShmSubscriber<long> subscriber = ring.Subscribe();
        Console.WriteLine("ready");
        for (long read = L(args[4]); read > 0; read--)
            log.Append(subscriber.Poll(patience));
        Console.WriteLine(subscriber.OverflowCount + subscriber.SkippedCount == 0 ? "done" : "lost");
        return 0;
    }
    case "bps-publish":
    {
        using var ring = ShmBytePubSub.OpenExisting(args[1]);
        Console.WriteLine("ready");
        int publisher = (int)L(args[2]), count = (int)L(args[3]), batch = (int)L(args[4]);
        for (int seq = 0; seq < count; seq += batch)
        {
            if (batch == 1)
            {
                ring.Publish(ByteQueueMessage.Create(publisher, seq));
                continue;
            }
            ReadOnlyMemory<byte>[] messages = Enumerable.Range(seq, Math.Min(batch, count - seq))
                .Select(s => (ReadOnlyMemory<byte>)ByteQueueMessage.Create(publisher, s)).ToArray();
            ring.PublishMany(messages);
        }
        Console.WriteLine("done");
        return 0;
    }
    case "rr-server":
    {
        using var server = ShmReqRepServer.OpenExisting(args[1]);
        Console.WriteLine("ready");
        while (true)
        {
            ShmRequest request = server.Receive(Timeout.InfiniteTimeSpan);
            server.Reply(request.Id, ReqRepEcho.Answer(request.Payload.Span));
        }
    }
    case "rrt-server":
    {
        using var server = ShmReqRepServer<long, long>.OpenExisting(args[1]);
        Console.WriteLine("ready");
        while (true)
        {
            ShmRequest<long> request = server.Receive(Timeout.InfiniteTimeSpan);
            server.Reply(request.Id, request.Value * request.Value);
        }
    }
    case "rr-client":
    {
        using var client = ShmReqRepClient.OpenExisting(args[1]);
        Console.WriteLine("ready");
        int id = (int)L(args[2]), count = (int)L(args[3]), cancelEvery = (int)L(args[4]);
        int length = args.Length > 5 ? (int)L(args[5]) : 12;
        int wrong = 0;
        for (int i = 0; i < count; i++)
        {
            byte[] request = ReqRepEcho.Request(id, i, length);
            if (cancelEvery > 0 && i % cancelEvery == 0)
            {
                RequestId sent = client.Send(request, patience);
                if (!client.Cancel(sent) && !ReqRepEcho.Matches(request, client.Get(sent, patience)))
                    wrong++;
                continue;
            }
            if (!ReqRepEcho.Matches(request, client.Request(request, patience)))
                wrong++;
        }
        Console.WriteLine($"done {wrong}");
        return wrong == 0 ? 0 : 3;
    }
    case "rr-hold":
    {
        using var client = ShmReqRepClient.OpenExisting(args[1]);
        int length = args.Length > 2 ? (int)L(args[2]) : 12;
        int held = 0;
        while (client.TrySend(ReqRepEcho.Request(0, held, length), out _) == ShmSendResult.Sent)
            held++;
        Console.WriteLine($"held {held}");
        Thread.Sleep(Timeout.Infinite); // killed by the test
        return 0;
    }
    case "bq-await-truncation":
    {
        using var queue = ShmByteQueue.OpenExisting(args[1]);
        Console.WriteLine("ready");
        try
        {
            queue.Dequeue(patience);
            Console.WriteLine("message");
            return 3;
        }
        catch (ShmCorruptedException error)
        {
            Console.WriteLine("corrupted " + error.Message);
            return 0;
        }
    }
    default:
        Console.Error.WriteLine($"unknown role {args[0]}");
        return 2;
}
