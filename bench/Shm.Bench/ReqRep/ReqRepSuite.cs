using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipes;
using System.Net;
using System.Net.Sockets;
using Shm.Bench.Harness;
using Shm.Primitives;

namespace Shm.Bench.ReqRep;

/// <summary>
/// ShmReqRep byte channels across processes: a 12-byte echo between this process (the client) and a server child,
/// its round-trip percentiles and its fully blocking form, all beside the same echo over an anonymous pipe pair;
/// 4 client processes against 2 server processes; and the echo over a Unix domain socket and TCP loopback.
/// </summary>
public sealed class ReqRepSuite : IBenchSuite, IBenchChildRoles
{
    private const int RequestBytes = 12;
    private const long RequestCapacity = 1024;
    private const int ResponseSlots = 64;
    private const int MaxResponseBytes = 256;
    private const string PipeBaseline = "anonymous pipe pair echo, 12 bytes";
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_childExit = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan s_serverIdleLimit = TimeSpan.FromMinutes(2); // a server orphaned by a failed run exits

    public string Name => "reqrep";

    public IEnumerable<BenchRow> Run(BenchContext context)
    {
        var plan = new Plan(
            TimeSpan.FromMilliseconds(context.Size(2000, 500)),
            TimeSpan.FromMilliseconds(context.Size(3000, 1000)),
            (int)context.Size(200_000, 20_000));

        Echo ours = ShmEcho(context, plan, ShmWaitStrategy.SpinThenSleep, latency: true);
        Echo pipe = PipeEcho(context, plan);
        yield return new BenchRow("reqrep.xproc.echo", ours.Rate, "requests/s", PipeBaseline, pipe.Rate);
        yield return new BenchRow("reqrep.xproc.echo.rtt_p50_us", ours.P50, "us", PipeBaseline, pipe.P50, HigherIsBetter: false);
        yield return new BenchRow("reqrep.xproc.echo.rtt_p99_us", ours.P99, "us", PipeBaseline, pipe.P99, HigherIsBetter: false);

        Echo typed = TypedEcho(context, plan);
        yield return new BenchRow("reqrep.xproc.echo.typed", typed.Rate, "requests/s", PipeBaseline, pipe.Rate);
        yield return new BenchRow("reqrep.xproc.echo.typed.rtt_p50_us", typed.P50, "us", PipeBaseline, pipe.P50, HigherIsBetter: false);

        Echo blocking = ShmEcho(context, plan, ShmWaitStrategy.Sleep, latency: false);
        yield return new BenchRow("reqrep.xproc.echo.blocking", blocking.Rate, "requests/s", PipeBaseline, pipe.Rate);

        yield return new BenchRow("reqrep.xproc.4c2s", FourClientsTwoServers(context, plan), "requests/s", null, null);

        yield return new BenchRow("reqrep.baseline.unix_socket", SocketEcho(context, plan, tcp: false), "requests/s", null, null);
        yield return new BenchRow("reqrep.baseline.tcp_loopback", SocketEcho(context, plan, tcp: true), "requests/s", null, null);
    }

    /// <summary>How long to warm up and to measure a rate for, and how many round trips to time one by one.</summary>
    private sealed record Plan(TimeSpan WarmUp, TimeSpan Duration, int LatencySamples);

    /// <summary>A rate (round trips per second) and, when measured, round-trip p50 and p99 in microseconds.</summary>
    private readonly record struct Echo(double Rate, double P50, double P99);

    /// <summary>Sends request number <c>sequence</c>, waits for its echo and checks it.</summary>
    private delegate void RoundTrip(long sequence);

    /// <summary>
    /// Warms up for a fixed time (tiered compilation promotes hot code only after a delay), then counts round trips for
    /// <see cref="Plan.Duration"/>, then optionally times <see cref="Plan.LatencySamples"/> round trips one by one.
    /// </summary>
    private static Echo Drive(Plan plan, RoundTrip roundTrip, bool latency)
    {
        long sequence = 0;
        long start = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(start) < plan.WarmUp)
            roundTrip(sequence++);

        long count = 0, last;
        start = Stopwatch.GetTimestamp();
        long end = start + (long)(plan.Duration.TotalSeconds * Stopwatch.Frequency);
        do
        {
            roundTrip(sequence++);
            count++;
            last = Stopwatch.GetTimestamp();
        }
        while (last < end);
        double rate = count / Stopwatch.GetElapsedTime(start, last).TotalSeconds;
        if (!latency)
            return new Echo(rate, double.NaN, double.NaN);

        var samples = new long[plan.LatencySamples];
        for (int i = 0; i < samples.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            roundTrip(sequence++);
            samples[i] = Stopwatch.GetTimestamp() - t0;
        }
        (double p50, double p99) = Latency.Percentiles(samples);
        return new Echo(rate, p50, p99);
    }

    private static void Stamp(byte[] request, long sequence) => BinaryPrimitives.WriteInt64LittleEndian(request, sequence);

    private static void Check(ReadOnlySpan<byte> response, byte[] request)
    {
        if (!response.SequenceEqual(request))
            throw new InvalidOperationException("the echo did not return the request");
    }

    /// <summary>A server child creates the channel and echoes; this process is the client.</summary>
    private static Echo ShmEcho(BenchContext context, Plan plan, ShmWaitStrategy strategy, bool latency)
    {
        string tag = StrategyTag(strategy);
        string name = context.SegmentPrefix + "rr-echo-" + tag;
        Process? server = null;
        try
        {
            server = ChildProcess.Start("reqrep-server", name, "create", tag);
            ExpectReady(server);
            Echo result;
            using (var client = ShmReqRepClient.OpenExisting(name))
            {
                client.WaitStrategy = strategy;
                byte[] request = new byte[RequestBytes];
                result = Drive(plan, sequence =>
                {
                    Stamp(request, sequence);
                    Check(client.Request(request, s_timeout), request);
                }, latency);
                context.Log($"  echo {tag}: {client.GetStats()}");
                client.Request([], s_timeout); // stop
            }
            ChildProcess.ReadResult(server, s_childExit);
            context.Log(latency
                ? string.Create(CultureInfo.InvariantCulture, $"  echo {tag}: {result.Rate:N0} requests/s, rtt p50 {result.P50:0.00} us, p99 {result.P99:0.00} us")
                : string.Create(CultureInfo.InvariantCulture, $"  echo {tag}: {result.Rate:N0} requests/s"));
            return result;
        }
        finally
        {
            End(server);
            ShmReqRepServer.Unlink(name);
        }
    }

    /// <summary>The same echo through two anonymous pipes whose child ends the echo child inherits.</summary>
    private static Echo PipeEcho(BenchContext context, Plan plan)
    {
        Process? child = null;
        try
        {
            using var toChild = new AnonymousPipeServerStream(PipeDirection.Out, HandleInheritability.Inheritable);
            using var fromChild = new AnonymousPipeServerStream(PipeDirection.In, HandleInheritability.Inheritable);
            child = ChildProcess.Start("reqrep-pipe-echo", toChild.GetClientHandleAsString(), fromChild.GetClientHandleAsString());
            toChild.DisposeLocalCopyOfClientHandle();
            fromChild.DisposeLocalCopyOfClientHandle();
            byte[] request = new byte[RequestBytes], response = new byte[RequestBytes];
            Echo result = Drive(plan, sequence =>
            {
                Stamp(request, sequence);
                toChild.Write(request);
                fromChild.ReadExactly(response);
                Check(response, request);
            }, latency: true);
            toChild.Dispose(); // end of input: the child exits
            ChildProcess.ReadResult(child, s_childExit);
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  pipe echo: {result.Rate:N0} requests/s, rtt p50 {result.P50:0.00} us, p99 {result.P99:0.00} us"));
            return result;
        }
        finally
        {
            End(child);
        }
    }

    /// <summary>
    /// Two server children on one channel, four client children. The clients warm up until a common start time and
    /// count the round trips they complete until a common end time; the rate is their sum over that window.
    /// </summary>
    private static double FourClientsTwoServers(BenchContext context, Plan plan)
    {
        const int clientCount = 4;
        string name = context.SegmentPrefix + "rr-4c2s";
        var children = new List<Process>();
        try
        {
            Process first = ChildProcess.Start("reqrep-server", name, "create", StrategyTag(ShmWaitStrategy.SpinThenSleep));
            children.Add(first);
            ExpectReady(first);
            Process second = ChildProcess.Start("reqrep-server", name, "open", StrategyTag(ShmWaitStrategy.SpinThenSleep));
            children.Add(second);
            ExpectReady(second);

            // Room for the client processes to start (2 cores, 6 processes) and warm up before the window opens.
            long startAt = Stopwatch.GetTimestamp() + (long)((plan.WarmUp.TotalSeconds + 1.5) * Stopwatch.Frequency);
            long endAt = startAt + (long)(plan.Duration.TotalSeconds * Stopwatch.Frequency);
            var clients = Enumerable.Range(0, clientCount)
                .Select(_ => ChildProcess.Start("reqrep-client", name, startAt.ToString(CultureInfo.InvariantCulture), endAt.ToString(CultureInfo.InvariantCulture)))
                .ToList();
            children.AddRange(clients);
            long total = 0;
            var perClient = new List<long>();
            foreach (Process client in clients)
            {
                long count = long.Parse(ChildProcess.ReadResult(client, s_childExit), CultureInfo.InvariantCulture);
                perClient.Add(count);
                total += count;
            }

            using (var stopper = ShmReqRepClient.OpenExisting(name))
            {
                context.Log($"  4c2s: {stopper.GetStats()}");
                stopper.Request([], s_timeout); // each server leaves after answering one stop request
                stopper.Request([], s_timeout);
            }
            string served = string.Join(", ", new[] { first, second }.Select(s => ChildProcess.ReadResult(s, s_childExit)));
            double rate = total / Stopwatch.GetElapsedTime(startAt, endAt).TotalSeconds;
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  4c2s: {rate:N0} requests/s; per client {string.Join(", ", perClient)}; served per server {served}"));
            return rate;
        }
        finally
        {
            children.ForEach(End);
            ShmReqRepServer.Unlink(name);
        }
    }

    /// <summary>The echo over a stream socket to an echo child: a Unix domain socket, or TCP loopback with NoDelay.</summary>
    private static double SocketEcho(BenchContext context, Plan plan, bool tcp)
    {
        string? path = null;
        Process? child = null;
        using Socket listener = tcp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            string address;
            if (tcp)
            {
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                address = ((IPEndPoint)listener.LocalEndPoint!).Port.ToString(CultureInfo.InvariantCulture);
            }
            else
            {
                path = Path.Combine(Path.GetTempPath(), context.SegmentPrefix + "rr-uds");
                File.Delete(path);
                listener.Bind(new UnixDomainSocketEndPoint(path));
                address = path;
            }
            listener.Listen(1);
            child = ChildProcess.Start("reqrep-socket-echo", tcp ? "tcp" : "unix", address);
            using Socket connection = listener.Accept();
            if (tcp)
                connection.NoDelay = true;
            byte[] request = new byte[RequestBytes], response = new byte[RequestBytes];
            Echo result = Drive(plan, sequence =>
            {
                Stamp(request, sequence);
                connection.Send(request);
                if (!ReceiveExactly(connection, response))
                    throw new InvalidOperationException("the echo child closed the connection");
                Check(response, request);
            }, latency: false);
            connection.Shutdown(SocketShutdown.Send); // end of input: the child exits
            ChildProcess.ReadResult(child, s_childExit);
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  {(tcp ? "tcp loopback" : "unix socket")} echo: {result.Rate:N0} requests/s"));
            return result.Rate;
        }
        finally
        {
            End(child);
            if (path is not null)
                File.Delete(path);
        }
    }

    /// <summary>Fills <paramref name="buffer"/>; false if the peer closed before sending anything.</summary>
    private static bool ReceiveExactly(Socket socket, byte[] buffer)
    {
        for (int got = 0; got < buffer.Length;)
        {
            int n = socket.Receive(buffer, got, buffer.Length - got, SocketFlags.None);
            if (n == 0)
                return got == 0 ? false : throw new EndOfStreamException("the peer closed mid-message");
            got += n;
        }
        return true;
    }

    /// <summary>The 12-byte request of the typed echo (ShmReqRep&lt;Payload12, Payload12&gt;).</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential, Pack = 4)]
    private struct Payload12
    {
        public long Sequence;
        public int Check;
    }

    /// <summary>The typed channel (lock-free request queue), 12-byte values; a server child echoes, this process asks.</summary>
    private static Echo TypedEcho(BenchContext context, Plan plan)
    {
        string name = context.SegmentPrefix + "rr-echo-typed";
        Process? server = null;
        try
        {
            server = ChildProcess.Start("reqrep-typed-server", name);
            ExpectReady(server);
            Echo result;
            using (var client = ShmReqRepClient<Payload12, Payload12>.OpenExisting(name))
            {
                result = Drive(plan, sequence =>
                {
                    var request = new Payload12 { Sequence = sequence, Check = (int)sequence ^ 0x5EED };
                    Payload12 response = client.Request(request, s_timeout);
                    if (response.Sequence != request.Sequence || response.Check != request.Check)
                        throw new InvalidOperationException("the typed echo did not return the request");
                }, latency: true);
                client.Request(new Payload12 { Sequence = -1 }, s_timeout); // stop
            }
            ChildProcess.ReadResult(server, s_childExit);
            context.Log(string.Create(CultureInfo.InvariantCulture, $"  echo typed: {result.Rate:N0} requests/s, rtt p50 {result.P50:0.00} us, p99 {result.P99:0.00} us"));
            return result;
        }
        finally
        {
            End(server);
            ShmReqRepServer.Unlink(name);
        }
    }

    private static int RunTypedServer(string name)
    {
        using var server = ShmReqRepServer<Payload12, Payload12>.CreateNew(name, RequestCapacity, ResponseSlots);
        Console.WriteLine("ready");
        long served = 0;
        while (true)
        {
            ShmRequest<Payload12> request = server.Receive(s_serverIdleLimit);
            server.Reply(request.Id, request.Value);
            if (request.Value.Sequence < 0)
                break;
            served++;
        }
        Console.WriteLine(served.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static string StrategyTag(ShmWaitStrategy strategy) => strategy == ShmWaitStrategy.Sleep ? "sleep" : "spin";

    private static void ExpectReady(Process child)
    {
        if (child.StandardOutput.ReadLine() != "ready")
            throw new InvalidOperationException("a reqrep child failed to start");
    }

    /// <summary>Kills a child a failed run left behind, and releases it.</summary>
    private static void End(Process? child)
    {
        if (child is null)
            return;
        if (!child.HasExited)
            child.Kill();
        child.Dispose();
    }

    public bool Handles(string role) => role is "reqrep-server" or "reqrep-typed-server" or "reqrep-client" or "reqrep-pipe-echo" or "reqrep-socket-echo";

    public int RunChild(string role, string[] args) => role switch
    {
        "reqrep-server" => RunServer(args[0], create: args[1] == "create", args[2] == "sleep" ? ShmWaitStrategy.Sleep : ShmWaitStrategy.SpinThenSleep),
        "reqrep-typed-server" => RunTypedServer(args[0]),
        "reqrep-client" => RunClient(args[0], long.Parse(args[1], CultureInfo.InvariantCulture), long.Parse(args[2], CultureInfo.InvariantCulture)),
        "reqrep-pipe-echo" => RunPipeEcho(args[0], args[1]),
        _ => RunSocketEcho(tcp: args[0] == "tcp", args[1]),
    };

    /// <summary>Echoes every request until an empty one (a stop request), which it answers before leaving.</summary>
    private static int RunServer(string name, bool create, ShmWaitStrategy strategy)
    {
        using ShmReqRepServer server = create
            ? ShmReqRepServer.CreateNew(name, RequestCapacity, ResponseSlots, MaxResponseBytes)
            : ShmReqRepServer.OpenExisting(name);
        server.WaitStrategy = strategy;
        Console.WriteLine("ready");
        long served = 0;
        while (true)
        {
            ShmRequest request = server.Receive(s_serverIdleLimit);
            server.Reply(request.Id, request.Payload.Span);
            if (request.Payload.IsEmpty)
                break;
            served++;
        }
        Console.WriteLine(served.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    /// <summary>Requests in a loop; prints how many round trips completed inside [startAt, endAt).</summary>
    private static int RunClient(string name, long startAt, long endAt)
    {
        using var client = ShmReqRepClient.OpenExisting(name);
        if (Stopwatch.GetTimestamp() >= startAt)
        {
            Console.Error.WriteLine("reqrep-client: started after the measurement window opened; give the clients more time to start.");
            return 3;
        }
        byte[] request = new byte[RequestBytes];
        long counted = 0;
        for (long sequence = 0; ; sequence++)
        {
            Stamp(request, sequence);
            Check(client.Request(request, s_timeout), request);
            long now = Stopwatch.GetTimestamp();
            if (now >= endAt)
                break;
            if (now >= startAt)
                counted++;
        }
        Console.WriteLine(counted.ToString(CultureInfo.InvariantCulture));
        return 0;
    }

    private static int RunPipeEcho(string inHandle, string outHandle)
    {
        using var input = new AnonymousPipeClientStream(PipeDirection.In, inHandle);
        using var output = new AnonymousPipeClientStream(PipeDirection.Out, outHandle);
        byte[] buffer = new byte[RequestBytes];
        while (input.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length)
            output.Write(buffer);
        Console.WriteLine("done");
        return 0;
    }

    private static int RunSocketEcho(bool tcp, string address)
    {
        using Socket socket = tcp
            ? new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true }
            : new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Connect(tcp ? new IPEndPoint(IPAddress.Loopback, int.Parse(address, CultureInfo.InvariantCulture)) : new UnixDomainSocketEndPoint(address));
        byte[] buffer = new byte[RequestBytes];
        while (ReceiveExactly(socket, buffer))
            socket.Send(buffer);
        Console.WriteLine("done");
        return 0;
    }
}
