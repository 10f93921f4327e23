using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Threading.Channels;
using Shm.Bench.Harness;
using Shm.Primitives;

namespace Shm.Bench.PubSub;

/// <summary>
/// ShmPubSub&lt;long&gt;: in-process publish+poll against a Channel, and one publisher fanning out to 4 subscriber
/// processes against the same publisher writing to 4 Unix domain sockets with the same batching.
/// </summary>
public sealed class PubSubSuite : IBenchSuite, IBenchChildRoles
{
    private const int Batch = 64;
    private const long Sentinel = -1;
    private const int RingCapacity = 1 << 20;

    public string Name => "pubsub";

    public IEnumerable<BenchRow> Run(BenchContext context)
    {
        long pairs = context.Size(30_000_000, 1_000_000);
        yield return new BenchRow("pubsub.inproc.pairs", InProcessPairs(context, pairs), "pairs/s",
            "bounded Channel<long> TryWrite+TryRead", ChannelPairs(pairs));

        long messages = context.Size(20_000_000, 1_000_000);
        (double perSubscriber4, _) = FanOut(context, messages, 4);
        (_, double publish4) = FanOut(context, messages, 4, lowPrioritySubscribers: true);
        (_, double publish1) = FanOut(context, messages, 1, lowPrioritySubscribers: true);
        double socket = SocketFanOut(context, context.Size(4_000_000, 400_000), 4);
        yield return new BenchRow("pubsub.xproc.fanout4", perSubscriber4, "msgs/s per subscriber", "4 Unix sockets, batches of 64", socket);
        yield return new BenchRow("pubsub.publish.scaling", publish4 / publish1, "ratio", null, null);
        yield return new BenchRow("pubsub.bytes.xproc.fanout4", BytesFanOut(context, messages / 2, 4), "msgs/s per subscriber",
            "4 Unix sockets, 64-byte messages, batches of 64", SocketFanOut(context, context.Size(2_000_000, 200_000), 4, MessageBytes));
    }

    private const int MessageBytes = 64;

    /// <summary>64-byte messages: this process publishes batches of 64; subscriber children poll into a span.</summary>
    private static double BytesFanOut(BenchContext context, long messages, int subscribers)
    {
        string name = context.SegmentPrefix + "bps-fan" + subscribers;
        using var ring = ShmBytePubSub.CreateNew(name, RingCapacity / 4, MessageBytes);
        try
        {
            var children = Enumerable.Range(0, subscribers).Select(_ => ChildProcess.Start("bytepubsub-subscriber", name)).ToList();
            foreach (Process child in children)
            {
                if (child.StandardOutput.ReadLine() != "ready")
                    throw new InvalidOperationException("subscriber failed to start");
            }
            var batch = new ReadOnlyMemory<byte>[Batch];
            for (int k = 0; k < Batch; k++)
                batch[k] = new byte[MessageBytes];
            for (long sent = 0; sent < messages; sent += Batch)
                ring.PublishMany(batch);
            ring.Publish(BitConverter.GetBytes(Sentinel));
            double total = 0;
            foreach (Process child in children)
            {
                string[] parts = ChildProcess.ReadResult(child, TimeSpan.FromMinutes(2)).Split(' ');
                context.Log($"  bytes fanout{subscribers}: subscriber received {parts[0]}, lost {parts[2]}, in {parts[1]} s");
                total += double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
                child.Dispose();
            }
            return total / subscribers;
        }
        finally
        {
            ring.Unlink();
        }
    }

    private static double InProcessPairs(BenchContext context, long pairs)
    {
        string name = context.SegmentPrefix + "ps-inproc";
        using var ring = ShmPubSub<long>.CreateNew(name, 1024);
        try
        {
            ShmSubscriber<long> subscriber = ring.Subscribe();
            for (long i = 0; i < pairs / 10; i++)
            {
                ring.Publish(i);
                subscriber.TryPoll(out _);
            }
            long start = Stopwatch.GetTimestamp(), sum = 0;
            for (long i = 0; i < pairs; i++)
            {
                ring.Publish(i);
                subscriber.TryPoll(out long value);
                sum += value;
            }
            GC.KeepAlive(sum);
            return pairs / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        finally
        {
            ring.Unlink();
        }
    }

    private static double ChannelPairs(long pairs)
    {
        Channel<long> channel = Channel.CreateBounded<long>(1024);
        for (long i = 0; i < pairs / 10; i++)
        {
            channel.Writer.TryWrite(i);
            channel.Reader.TryRead(out _);
        }
        long start = Stopwatch.GetTimestamp(), sum = 0;
        for (long i = 0; i < pairs; i++)
        {
            channel.Writer.TryWrite(i);
            channel.Reader.TryRead(out long value);
            sum += value;
        }
        GC.KeepAlive(sum);
        return pairs / Stopwatch.GetElapsedTime(start).TotalSeconds;
    }

    /// <summary>This process publishes in batches; each subscriber child reports what it received and lost.</summary>
    private static (double PerSubscriber, double PublishRate) FanOut(BenchContext context, long messages, int subscribers, bool lowPrioritySubscribers = false)
    {
        string name = context.SegmentPrefix + "ps-fan" + subscribers;
        using var ring = ShmPubSub<long>.CreateNew(name, RingCapacity);
        try
        {
            var children = Enumerable.Range(0, subscribers).Select(_ => ChildProcess.Start("pubsub-subscriber", name)).ToList();
            foreach (Process child in children)
            {
                if (child.StandardOutput.ReadLine() != "ready")
                    throw new InvalidOperationException("subscriber failed to start");
                // On a 2-core machine 4 polling subscribers would otherwise take the publisher's CPU: the scaling row
                // is about what subscribers cost the ring, not about the scheduler's share.
                if (lowPrioritySubscribers)
                    child.PriorityClass = ProcessPriorityClass.BelowNormal;
            }
            var batch = new long[Batch];
            long start = Stopwatch.GetTimestamp();
            for (long sent = 0; sent < messages; sent += Batch)
            {
                for (int k = 0; k < Batch; k++)
                    batch[k] = sent + k;
                ring.PublishMany(batch);
            }
            double publishRate = messages / Stopwatch.GetElapsedTime(start).TotalSeconds;
            ring.Publish(Sentinel);
            double total = 0;
            foreach (Process child in children)
            {
                string[] parts = ChildProcess.ReadResult(child, TimeSpan.FromMinutes(2)).Split(' ');
                double received = double.Parse(parts[0], CultureInfo.InvariantCulture), seconds = double.Parse(parts[1], CultureInfo.InvariantCulture);
                context.Log($"  fanout{subscribers}: subscriber received {received:N0}, lost {parts[2]}, in {seconds:F3} s");
                total += received / seconds;
                child.Dispose();
            }
            return (total / subscribers, publishRate);
        }
        finally
        {
            ring.Unlink();
        }
    }

    private static double SocketFanOut(BenchContext context, long messages, int subscribers, int messageBytes = sizeof(long))
    {
        var listeners = new List<Socket>();
        var paths = new List<string>();
        var children = new List<Process>();
        var connections = new List<Socket>();
        try
        {
            for (int s = 0; s < subscribers; s++)
            {
                string path = Path.Combine(Path.GetTempPath(), context.SegmentPrefix + "ps-uds" + s);
                File.Delete(path);
                var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                listener.Bind(new UnixDomainSocketEndPoint(path));
                listener.Listen(1);
                listeners.Add(listener);
                paths.Add(path);
                children.Add(ChildProcess.Start("pubsub-socket-subscriber", path, messages.ToString(CultureInfo.InvariantCulture), messageBytes.ToString(CultureInfo.InvariantCulture)));
                connections.Add(listener.Accept());
            }
            byte[] buffer = new byte[Batch * messageBytes];
            for (long sent = 0; sent < messages; sent += Batch)
            {
                for (int k = 0; k < Batch; k++)
                    BitConverter.TryWriteBytes(buffer.AsSpan(k * messageBytes), sent + k);
                foreach (Socket connection in connections)
                    connection.Send(buffer);
            }
            double total = 0;
            foreach (Process child in children)
            {
                string[] parts = ChildProcess.ReadResult(child, TimeSpan.FromMinutes(2)).Split(' ');
                total += double.Parse(parts[0], CultureInfo.InvariantCulture) / double.Parse(parts[1], CultureInfo.InvariantCulture);
            }
            return total / subscribers;
        }
        finally
        {
            connections.ForEach(c => c.Dispose());
            listeners.ForEach(l => l.Dispose());
            paths.ForEach(File.Delete);
            children.ForEach(c => c.Dispose());
        }
    }

    public bool Handles(string role) => role is "pubsub-subscriber" or "pubsub-socket-subscriber" or "bytepubsub-subscriber";

    public int RunChild(string role, string[] args)
    {
        if (role == "pubsub-subscriber")
        {
            using var ring = ShmPubSub<long>.OpenExisting(args[0]);
            ShmSubscriber<long> subscriber = ring.Subscribe();
            Console.WriteLine("ready");
            var buffer = new long[Batch];
            long received = 0, first = 0;
            while (true)
            {
                int n = subscriber.PollMany(buffer);
                if (n == 0)
                {
                    if (!subscriber.TryPoll(out buffer[0], TimeSpan.FromSeconds(30)))
                        throw new TimeoutException("publisher stalled");
                    n = 1;
                }
                if (first == 0)
                    first = Stopwatch.GetTimestamp();
                for (int k = 0; k < n; k++)
                {
                    if (buffer[k] == Sentinel)
                    {
                        double seconds = Stopwatch.GetElapsedTime(first).TotalSeconds;
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{received} {seconds} {subscriber.OverflowCount + subscriber.SkippedCount}"));
                        return 0;
                    }
                    received++;
                }
            }
        }

        if (role == "bytepubsub-subscriber")
            return RunBytesSubscriber(args[0]);

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(new UnixDomainSocketEndPoint(args[0]));
        int messageBytes = int.Parse(args[2], CultureInfo.InvariantCulture);
        long total = long.Parse(args[1], CultureInfo.InvariantCulture) * messageBytes, got = 0, start = 0;
        byte[] chunk = new byte[Batch * messageBytes];
        while (got < total)
        {
            int n = socket.Receive(chunk);
            if (n == 0)
                break;
            if (got == 0)
                start = Stopwatch.GetTimestamp();
            got += n;
        }
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{got / messageBytes} {elapsed}"));
        return 0;
    }

    private static int RunBytesSubscriber(string name)
    {
        using var ring = ShmBytePubSub.OpenExisting(name);
        ShmByteSubscriber subscriber = ring.Subscribe();
        Console.WriteLine("ready");
        Span<byte> message = stackalloc byte[MessageBytes];
        long received = 0, first = 0;
        while (true)
        {
            if (!subscriber.TryPoll(message, out int length, out _))
            {
                if (!subscriber.TryPoll(out byte[] waited, TimeSpan.FromSeconds(30)))
                    throw new TimeoutException("publisher stalled");
                waited.CopyTo(message);
                length = waited.Length;
            }
            if (first == 0)
                first = Stopwatch.GetTimestamp();
            if (length == sizeof(long) && BitConverter.ToInt64(message) == Sentinel)
            {
                double seconds = Stopwatch.GetElapsedTime(first).TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{received} {seconds} {subscriber.OverflowCount + subscriber.SkippedCount}"));
                return 0;
            }
            received++;
        }
    }
}
