using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Threading.Channels;
using Shm.Bench.Harness;
using Shm.Primitives;

namespace Shm.Bench.ByteQueue;

/// <summary>
/// ShmByteQueue with 64-byte messages against a Channel of byte[] in process and a Unix domain socket carrying
/// length-prefixed messages across processes (unbatched and in batches of 64). One more row puts the unbatched rate
/// against the lock-free layout of fixed cells (a ShmQueue of 64-byte items, the layout of the node inboxes' cells)
/// in the same run: what one message at a time costs with the byte queue's lock, and without a lock.
/// </summary>
public sealed class ByteQueueSuite : IBenchSuite, IBenchChildRoles
{
    private const int MessageBytes = 64;
    private const int Batch = 64;
    private const int Capacity = 4096;

    public string Name => "bytequeue";

    public IEnumerable<BenchRow> Run(BenchContext context)
    {
        long pairs = context.Size(20_000_000, 1_000_000);
        yield return new BenchRow("bytequeue.inproc.pairs", InProcessPairs(context, pairs), "pairs/s",
            "bounded Channel<byte[]> TryWrite+TryRead", ChannelPairs(pairs));
        long messages = context.Size(10_000_000, 500_000);
        long socketMessages = context.Size(1_000_000, 100_000);
        double unbatched = CrossProcess(context, messages, 1);
        yield return new BenchRow("bytequeue.xproc.1p1c", unbatched, "msgs/s",
            "Unix socket, length-prefixed 64-byte messages, unbatched", SocketCrossProcess(context, socketMessages, 1));
        yield return new BenchRow("bytequeue.xproc.1p1c.vs_lockfree_cells", unbatched, "msgs/s",
            "lock-free fixed cells (ShmQueue of 64-byte items), unbatched", CellsCrossProcess(context, messages));
        yield return new BenchRow("bytequeue.xproc.1p1c.vs_lock_alone", unbatched, "msgs/s",
            "the queue's robust mutex alone, taken once per message by each process (no queue)", LockHandOff.MessagesPerSecond(context, messages * 2));
        yield return new BenchRow("bytequeue.xproc.1p1c.batch", CrossProcess(context, messages * 2, Batch), "msgs/s",
            "Unix socket, batches of 64", SocketCrossProcess(context, socketMessages * 4, Batch));
        yield return new BenchRow("bytequeue.recovery.repair_us", RecoveryMicroseconds(context, (int)context.Size(15, 5)), "us", null, null, HigherIsBetter: false);
    }

    /// <summary>
    /// Median time for the first operation after a producer died holding the lock mid-push (journal committed,
    /// its exit observed): EOWNERDEAD, journal redo, Verify and the operation itself. The bound is 50 ms.
    /// </summary>
    private static double RecoveryMicroseconds(BenchContext context, int runs)
    {
        string name = context.SegmentPrefix + "bq-recovery";
        using var queue = ShmByteQueue.CreateNew(name, 64);
        try
        {
            var samples = new List<double>();
            var environment = new Dictionary<string, string> { ["SHM_FAULT"] = "bytequeue.push.committed:1:kill" };
            for (int run = 0; run < runs; run++)
            {
                using Process producer = ChildProcess.Start(environment, "bytequeue-producer", name, "10", "1");
                producer.WaitForExit();
                long died = Stopwatch.GetTimestamp();
                if (!queue.TryEnqueue(new byte[MessageBytes]))
                    throw new InvalidOperationException("the queue did not accept a message after recovery");
                samples.Add(Stopwatch.GetElapsedTime(died).TotalMicroseconds);
                queue.Clear();
            }
            if (queue.GetStats().Recoveries != runs)
                throw new InvalidOperationException($"expected {runs} recoveries, saw {queue.GetStats().Recoveries}");
            samples.Sort();
            return samples[samples.Count / 2];
        }
        finally
        {
            queue.Unlink();
        }
    }

    private static double InProcessPairs(BenchContext context, long pairs)
    {
        string name = context.SegmentPrefix + "bq-inproc";
        using var queue = ShmByteQueue.CreateNew(name, Capacity);
        try
        {
            byte[] message = new byte[MessageBytes];
            Span<byte> into = stackalloc byte[MessageBytes];
            for (long i = 0; i < pairs / 10; i++)
            {
                queue.TryEnqueue(message);
                queue.TryDequeue(into, out _);
            }
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < pairs; i++)
            {
                message[0] = (byte)i;
                queue.TryEnqueue(message);
                queue.TryDequeue(into, out _);
            }
            return pairs / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        finally
        {
            queue.Unlink();
        }
    }

    private static double ChannelPairs(long pairs)
    {
        Channel<byte[]> channel = Channel.CreateBounded<byte[]>(Capacity);
        byte[] message = new byte[MessageBytes];
        for (long i = 0; i < pairs / 10; i++)
        {
            channel.Writer.TryWrite(message);
            channel.Reader.TryRead(out _);
        }
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < pairs; i++)
        {
            message[0] = (byte)i;
            channel.Writer.TryWrite(message);
            channel.Reader.TryRead(out _);
        }
        return pairs / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>A producer child, this process consumes; the rate runs from the first to the last message.</summary>
    private static double CrossProcess(BenchContext context, long messages, int batch)
    {
        string name = context.SegmentPrefix + "bq-x1-" + batch;
        using var queue = ShmByteQueue.CreateNew(name, Capacity);
        try
        {
            using Process producer = ChildProcess.Start("bytequeue-producer", name, messages.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture));
            byte[] buffer = new byte[MessageBytes * Batch];
            int[] lengths = new int[batch];
            long received = 0, first = 0;
            while (received < messages)
            {
                int n = queue.DequeueMany(buffer, lengths, TimeSpan.FromSeconds(30));
                if (n == 0)
                    throw new TimeoutException("producer stalled");
                if (received == 0)
                    first = Stopwatch.GetTimestamp();
                received += n;
            }
            long last = Stopwatch.GetTimestamp();
            ChildProcess.ReadResult(producer, TimeSpan.FromMinutes(2));
            context.Log($"  bytequeue 1p1c batch {batch}: {queue.GetStats()}");
            return (received - 1) / Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        }
        finally
        {
            queue.Unlink();
        }
    }

    /// <summary>A 64-byte message as one fixed cell of a lock-free ShmQueue (no length, no arena, no lock).</summary>
    [System.Runtime.CompilerServices.InlineArray(MessageBytes / sizeof(long))]
    private struct Cell64
    {
        private long _element;
    }

    /// <summary>As <see cref="CrossProcess"/> unbatched, over the lock-free cells of a ShmQueue&lt;Cell64&gt;.</summary>
    private static double CellsCrossProcess(BenchContext context, long messages)
    {
        string name = context.SegmentPrefix + "bq-cells";
        using var queue = ShmQueue<Cell64>.CreateNew(name, Capacity);
        try
        {
            using Process producer = ChildProcess.Start("bytequeue-cell-producer", name, messages.ToString(CultureInfo.InvariantCulture), "1");
            long received = 0, first = 0;
            while (received < messages)
            {
                if (!queue.TryDequeue(out _, TimeSpan.FromSeconds(30)))
                    throw new TimeoutException("producer stalled");
                if (received++ == 0)
                    first = Stopwatch.GetTimestamp();
            }
            long last = Stopwatch.GetTimestamp();
            ChildProcess.ReadResult(producer, TimeSpan.FromMinutes(2));
            return (received - 1) / Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        }
        finally
        {
            queue.Unlink();
        }
    }

    private static double SocketCrossProcess(BenchContext context, long messages, int batch)
    {
        string path = Path.Combine(Path.GetTempPath(), context.SegmentPrefix + "bq-uds-" + batch);
        File.Delete(path);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        try
        {
            using Process producer = ChildProcess.Start("bytequeue-socket-producer", path, messages.ToString(CultureInfo.InvariantCulture), batch.ToString(CultureInfo.InvariantCulture));
            using Socket connection = listener.Accept();
            const int frame = sizeof(int) + MessageBytes;
            byte[] buffer = new byte[frame * batch];
            long receivedBytes = 0, first = 0, total = messages * frame;
            while (receivedBytes < total)
            {
                // Unbatched: one frame per receive, as a reader of length-prefixed messages does.
                int want = (int)Math.Min(batch == 1 ? frame - receivedBytes % frame : buffer.Length, total - receivedBytes);
                int n = connection.Receive(buffer, 0, want, SocketFlags.None);
                if (n == 0)
                    throw new InvalidOperationException("socket producer closed early");
                if (receivedBytes == 0)
                    first = Stopwatch.GetTimestamp();
                receivedBytes += n;
            }
            long last = Stopwatch.GetTimestamp();
            ChildProcess.ReadResult(producer, TimeSpan.FromMinutes(2));
            return (messages - 1) / Stopwatch.GetElapsedTime(first, last).TotalSeconds;
        }
        finally
        {
            File.Delete(path);
        }
    }

    public bool Handles(string role) => role is "bytequeue-producer" or "bytequeue-socket-producer" or "bytequeue-cell-producer" or "bytequeue-lock";

    public int RunChild(string role, string[] args)
    {
        long messages = long.Parse(args[1], CultureInfo.InvariantCulture);
        int batch = int.Parse(args[2], CultureInfo.InvariantCulture);
        if (role == "bytequeue-lock")
        {
            LockHandOff.RunChild(args[0], messages);
        }
        else if (role == "bytequeue-cell-producer")
        {
            using var cells = ShmQueue<Cell64>.OpenExisting(args[0]);
            var cell = new Cell64();
            for (long sent = 0; sent < messages; sent++)
            {
                cell[0] = sent;
                if (!cells.TryEnqueue(cell))
                    cells.Enqueue(cell, TimeSpan.FromSeconds(30));
            }
        }
        else if (role == "bytequeue-producer")
        {
            using var queue = ShmByteQueue.OpenExisting(args[0]);
            var payloads = new ReadOnlyMemory<byte>[batch];
            for (int i = 0; i < batch; i++)
                payloads[i] = new byte[MessageBytes];
            byte[] single = new byte[MessageBytes];
            for (long sent = 0; sent < messages;)
            {
                if (batch == 1)
                {
                    if (!queue.TryEnqueue(single))
                        queue.Enqueue(single, TimeSpan.FromSeconds(30));
                    sent++;
                }
                else
                {
                    int n = (int)Math.Min(batch, messages - sent);
                    if (queue.EnqueueMany(payloads.AsSpan(0, n), TimeSpan.FromSeconds(30)) != n)
                        throw new TimeoutException("consumer stalled");
                    sent += n;
                }
            }
        }
        else
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(args[0]));
            const int frame = sizeof(int) + MessageBytes;
            byte[] buffer = new byte[frame * batch];
            for (int i = 0; i < batch; i++)
                BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(i * frame), MessageBytes);
            for (long sent = 0; sent < messages;)
            {
                int n = (int)Math.Min(batch, messages - sent);
                socket.Send(buffer, 0, n * frame, SocketFlags.None);
                sent += n;
            }
        }
        Console.WriteLine("done");
        return 0;
    }
}
