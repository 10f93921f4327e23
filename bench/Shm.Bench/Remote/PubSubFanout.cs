using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Shm.Actors;
using Shm.Bench.Harness;
using Shm.Primitives;
using Shm.Transport;
using Shm.Transport.PubSub;

namespace Shm.Bench.Remote;

/// <summary>
/// <c>remote.pubsub.fanout3</c>: one publisher process, three subscriber processes, each with one subscriber actor that
/// counts the events (longs) it receives. Ours: DistributedPubSub over the shm transport, a Backpressure topic (so every
/// event counts: nothing can be lost), publishing through the mediator, one Tell per event. Baseline, in the same run:
/// the same events, each serialized once into the same kind of envelope and written to one Unix domain socket per
/// subscriber process as it is published (the delivery a Publish gives: the event is on its way to every subscriber
/// when the call returns), where <see cref="SocketLink"/>'s reader decodes them and Tells the same counting actor. The
/// same sockets are also measured with the publisher batching 64 KiB per write (events held back until a batch fills),
/// logged for reference. The value is events received per second by each subscriber node: events per round / time
/// from the first publish until the last of the three nodes has counted them all. Rounds alternate between the
/// setups; the best of each is kept.
/// </summary>
public static class PubSubFanout
{
    private const string ChildRole = "pubsub-fanout-subscriber";
    private const string Topic = "fanout";
    private const string PublisherNode = "publisher";
    private const string CounterName = "counter";
    private const string SegmentDirectory = "/dev/shm";
    private const int Subscribers = 3;
    private const int SocketBatchBytes = 64 * 1024;
    private const string Unit = "events/s per subscriber node";
    private const string Baseline = "same events and envelopes, written per event to 3 Unix sockets";
    private static readonly TimeSpan s_round = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_childExit = TimeSpan.FromSeconds(30);

    /// <summary>Runs the shm and the Unix-socket fan-out side by side and returns the row.</summary>
    public static BenchRow Measure(BenchContext context)
    {
        long events = context.Size(2_000_000, 200_000);
        int repetitions = context.Quick ? 2 : 4;
        string shmSystem = context.SegmentPrefix + "pubsub";
        ShmSide? shm = null;
        SocketSide? socket = null;
        try
        {
            shm = new ShmSide(shmSystem);
            socket = new SocketSide(context.SegmentPrefix + "pubsub-uds");
            shm.Round(Math.Max(1, events / 10)); // warm-up: tiered compilation of both sides of both setups
            socket.Round(Math.Max(1, events / 10));
            double ours = 0, baseline = 0, batched = 0;
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  pubsub fan-out to {Subscribers} processes, {events:N0} events per round, best of {repetitions}"));
            for (int r = 0; r < repetitions; r++)
            {
                double o = shm.Round(events);
                socket.BatchBytes = 0;
                double b = socket.Round(events);
                socket.BatchBytes = SocketBatchBytes;
                double batch = socket.Round(events);
                context.Log(string.Create(CultureInfo.InvariantCulture, $"  round {r}: shm {o,12:N0}  uds per event {b,12:N0}  uds 64 KiB batches {batch,12:N0}  events/s per node"));
                ours = Math.Max(ours, o);
                baseline = Math.Max(baseline, b);
                batched = Math.Max(batched, batch);
            }
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  reference: the Unix sockets with 64 KiB batches (events held back until a batch fills): {batched:N0} events/s per node"));
            context.Log(string.Create(CultureInfo.InvariantCulture,
                $"  target (issue): fanout3 >= 2M events/s per subscriber node: {ours:N0} ({(ours >= 2e6 ? "met" : "not met")}); publisher: {DistributedPubSub.Get(shm.System).GetStats()}"));
            return new BenchRow("remote.pubsub.fanout3", ours, Unit, Baseline, baseline);
        }
        finally
        {
            shm?.Dispose();
            socket?.Dispose();
            foreach (string file in Directory.GetFiles(SegmentDirectory, shmSystem + ".*"))
                File.Delete(file);
        }
    }

    /// <summary>Whether <paramref name="role"/> is this measurement's child role (for the suite's <c>IBenchChildRoles.Handles</c>).</summary>
    public static bool Handles(string role) => role == ChildRole;

    /// <summary>
    /// The subscriber process: <c>SYSTEM INDEX shm</c> or <c>SYSTEM INDEX uds SOCKET_PATH</c>. Prints "ready" once
    /// subscribed; then for each "expect N" line on stdin resets its count, prints "expecting", and prints "done LOST"
    /// when N events (or losses) are counted. Exits when stdin closes.
    /// </summary>
    public static int RunChild(string role, string[] args)
    {
        string system = args[0], node = "sub-" + args[1];
        bool shm = args[2] == "shm";
        ActorSystemSettings settings = shm
            ? ActorSystemSettings.Default.WithShmTransport(new ShmTransportOptions { NodeName = node, SegmentDirectory = SegmentDirectory })
            : ActorSystemSettings.Default with { Node = node };
        using ActorSystem actors = ActorSystem.Create(system, settings with { RunCoordinatedShutdownOnProcessExit = false });
        using var subscribed = new ManualResetEventSlim();
        IActorRef counter = actors.ActorOf(Props.Create(() => new Counter(shm, subscribed)), CounterName);
        SocketLink? link = null;
        if (!shm)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            socket.Connect(new UnixDomainSocketEndPoint(args[3]));
            link = new SocketLink(actors, socket);
        }
        if (!subscribed.Wait(s_round))
            return 1;
        Console.WriteLine("ready");
        while (Console.ReadLine() is { } line)
        {
            if (line.StartsWith("expect ", StringComparison.Ordinal))
                counter.Tell(new Expect(long.Parse(line["expect ".Length..], CultureInfo.InvariantCulture)));
        }
        link?.Dispose();
        actors.Terminate().Wait(s_childExit);
        return 0;
    }

    private sealed record Expect(long Events);

    /// <summary>Counts longs (and reported losses) until the expected number, then says "done" on stdout.</summary>
    private sealed class Counter : ActorBase
    {
        private readonly ManualResetEventSlim _subscribed;
        private long _count;
        private long _lost;
        private long _target = long.MaxValue;

        public Counter(bool shm, ManualResetEventSlim subscribed)
        {
            _subscribed = subscribed;
            if (shm)
                DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(Topic, Self), Self);
            else
                subscribed.Set();
        }

        protected override bool Receive(object message)
        {
            switch (message)
            {
                case long:
                    if (++_count == _target)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done {_lost}"));
                    return true;
                case TopicEventsLost lost:
                    _lost += lost.Count;
                    _count += lost.Count;
                    if (_count >= _target && _count - lost.Count < _target)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done {_lost}"));
                    return true;
                case Expect expect:
                    _count = 0;
                    _lost = 0;
                    _target = expect.Events;
                    Console.WriteLine("expecting");
                    return true;
                case SubscribeAck:
                    _subscribed.Set();
                    return true;
                default:
                    return false;
            }
        }
    }

    /// <summary>The subscriber processes of one setup, driven through their stdin and stdout.</summary>
    private abstract class Side : IDisposable
    {
        private readonly List<Process> _children = [];

        protected void StartChildren(string system, string transport, string? socketPath, Action<int>? afterStart = null)
        {
            for (int i = 0; i < Subscribers; i++)
            {
                string[] args = [system, i.ToString(CultureInfo.InvariantCulture), transport, .. socketPath is null ? Array.Empty<string>() : [socketPath]];
                _children.Add(StartChild(args));
                afterStart?.Invoke(i);
            }
            foreach (Process child in _children)
                Expect(child, "ready");
        }

        /// <summary>One round: arms the counters, publishes <paramref name="events"/>, waits for all three; events/s per node.</summary>
        public double Round(long events)
        {
            foreach (Process child in _children)
                child.StandardInput.WriteLine(string.Create(CultureInfo.InvariantCulture, $"expect {events}"));
            foreach (Process child in _children)
                Expect(child, "expecting");
            long start = Stopwatch.GetTimestamp();
            Publish(events);
            foreach (Process child in _children)
            {
                string line = Expect(child, "done ");
                if (line != "done 0")
                    throw new InvalidOperationException($"A subscriber lost events on a topic that must not lose any: {line}.");
            }
            return events / Stopwatch.GetElapsedTime(start).TotalSeconds;
        }

        protected abstract void Publish(long events);

        private static string Expect(Process child, string prefix)
        {
            Task<string?> line = child.StandardOutput.ReadLineAsync();
            if (!line.Wait(s_round) || line.Result is not { } text || !text.StartsWith(prefix, StringComparison.Ordinal))
                throw new InvalidOperationException($"A {ChildRole} child did not answer '{prefix.Trim()}' (exited: {child.HasExited}).");
            return text;
        }

        private static Process StartChild(string[] args)
        {
            var psi = new ProcessStartInfo
            {
                UseShellExecute = false,
                RedirectStandardOutput = true,
                RedirectStandardInput = true,
                FileName = Environment.ProcessPath ?? throw new InvalidOperationException("Cannot locate the benchmark executable."),
            };
            if (Path.GetFileNameWithoutExtension(psi.FileName) == "dotnet")
                psi.ArgumentList.Add(typeof(PubSubFanout).Assembly.Location);
            psi.ArgumentList.Add("--child");
            psi.ArgumentList.Add(ChildRole);
            foreach (string a in args)
                psi.ArgumentList.Add(a);
            return Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {ChildRole}.");
        }

        public virtual void Dispose()
        {
            foreach (Process child in _children)
            {
                child.StandardInput.Close();
                if (!child.WaitForExit(s_childExit))
                    child.Kill();
                child.Dispose();
            }
        }
    }

    /// <summary>Ours: node "publisher" of a system with the shm transport, publishing to a Backpressure topic.</summary>
    private sealed class ShmSide : Side
    {
        private readonly IActorRef _mediator;

        public ShmSide(string system)
        {
            System = ActorSystem.Create(system, ActorSystemSettings.Default.WithShmTransport(new ShmTransportOptions { NodeName = PublisherNode, SegmentDirectory = SegmentDirectory }) with
            {
                RunCoordinatedShutdownOnProcessExit = false,
            });
            _mediator = DistributedPubSub.Get(System, DistributedPubSubSettings.Default with { TopicCapacity = 1 << 16, MaxEventBytes = 128 }).Mediator;
            _mediator.Ask<TopicCreated>(new CreateTopic(Topic, ShmPubSubMode.Backpressure), s_round).Wait();
            StartChildren(system, "shm", null);
        }

        public ActorSystem System { get; }

        protected override void Publish(long events)
        {
            for (long i = 0; i < events; i++)
                _mediator.Tell(new Publish(Topic, i), ActorRefs.NoSender);
        }

        public override void Dispose()
        {
            base.Dispose();
            System.Terminate().Wait(s_childExit);
        }
    }

    /// <summary>The baseline: three Unix sockets, each event serialized once and the batch written to each socket.</summary>
    private sealed class SocketSide : Side
    {
        private readonly ActorSystem _system;
        private readonly string _path;
        private readonly List<Socket> _sockets = [];
        private readonly byte[] _recipient = Encoding.UTF8.GetBytes("/user/" + CounterName);
        private readonly byte[] _batch = new byte[SocketBatchBytes + 1024];

        /// <summary>Bytes gathered before a write to the sockets; 0 writes every event as it is published.</summary>
        public int BatchBytes { get; set; }

        public SocketSide(string system)
        {
            _system = ActorSystem.Create(system, ActorSystemSettings.Default with { Node = PublisherNode, RunCoordinatedShutdownOnProcessExit = false });
            _path = Path.Combine(Path.GetTempPath(), system + ".sock");
            File.Delete(_path);
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(_path));
            listener.Listen(Subscribers);
            StartChildren(system, "uds", _path, _ =>
            {
                Task<Socket> accept = listener.AcceptAsync();
                if (!accept.Wait(s_round))
                    throw new TimeoutException($"A {ChildRole} child did not connect.");
                _sockets.Add(accept.Result);
            });
        }

        /// <summary>
        /// SocketLink's frame (length, field lengths, serializer id, recipient, no sender, manifest, payload) per event,
        /// written to every socket once <see cref="BatchBytes"/> are gathered.
        /// </summary>
        protected override void Publish(long events)
        {
            var serializer = _system.Serialization.FindSerializerFor(0L);
            byte[] manifest = Encoding.UTF8.GetBytes(serializer.IncludeManifest ? serializer.Manifest(0L) : "");
            var payload = new System.Buffers.ArrayBufferWriter<byte>(64);
            int used = 0;
            for (long i = 0; i < events; i++)
            {
                payload.ResetWrittenCount();
                serializer.ToBinary(i, payload); // boxes i, as the Publish of the shm side does
                Span<byte> frame = _batch.AsSpan(used);
                int size = 16 + _recipient.Length + manifest.Length + payload.WrittenCount;
                BinaryPrimitives.WriteInt32LittleEndian(frame, size - 4);
                BinaryPrimitives.WriteUInt16LittleEndian(frame[4..], (ushort)_recipient.Length);
                BinaryPrimitives.WriteUInt16LittleEndian(frame[6..], 0);
                BinaryPrimitives.WriteUInt16LittleEndian(frame[8..], (ushort)manifest.Length);
                BinaryPrimitives.WriteUInt16LittleEndian(frame[10..], 0);
                BinaryPrimitives.WriteInt32LittleEndian(frame[12..], serializer.Identifier);
                _recipient.CopyTo(frame[16..]);
                manifest.CopyTo(frame[(16 + _recipient.Length)..]);
                payload.WrittenSpan.CopyTo(frame[(16 + _recipient.Length + manifest.Length)..]);
                used += size;
                if (used >= BatchBytes)
                {
                    Flush(used);
                    used = 0;
                }
            }
            Flush(used);
        }

        private void Flush(int count)
        {
            foreach (Socket socket in _sockets)
            {
                for (int sent = 0; sent < count;)
                    sent += socket.Send(_batch, sent, count - sent, SocketFlags.None);
            }
        }

        public override void Dispose()
        {
            foreach (Socket socket in _sockets)
                socket.Dispose(); // the children's readers see the end
            base.Dispose();
            _system.Terminate().Wait(s_childExit);
            File.Delete(_path);
        }
    }
}
