using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Shm.Primitives.Threading;
using Shm.TestWorker;

namespace Shm.Primitives.Tests.ReqRep;

public sealed class ReqRepTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Round_trip_carries_empty_binary_and_utf8_payloads()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, requestCapacity: 16, responseSlots: 4, maxResponseBytes: 256);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        using var serving = new ServingThread(server);

        foreach (byte[] payload in new[] { Array.Empty<byte>(), ReqRepEcho.Request(7, 9), Encoding.UTF8.GetBytes("héllo wörld ✓ 日本") })
        {
            Assert.Equal(ReqRepEcho.Answer(payload), client.Request(payload, Patience));
            Assert.Equal(ReqRepEcho.Answer(payload), await client.RequestAsync(payload));
        }
        Assert.Equal(0, client.Pending);
    }

    [Fact]
    public void Response_at_the_limit_fits_and_one_byte_over_is_an_argument_error_leaving_the_request_cancellable()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 2, maxResponseBytes: 100);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);

        RequestId fits = client.Send("a"u8, Patience);
        Assert.True(server.TryReceive(out ShmRequest first));
        Assert.True(server.Reply(first.Id, new byte[100]));
        Assert.Equal(100, client.Get(fits, Patience).Length);

        RequestId tooLong = client.Send("b"u8, Patience);
        Assert.True(server.TryReceive(out ShmRequest second));
        ArgumentException error = Assert.Throws<ArgumentException>(() => server.Reply(second.Id, new byte[101]));
        Assert.Contains("100", error.Message);
        Assert.True(client.Cancel(tooLong));
        Assert.False(server.Reply(second.Id, new byte[1]));
        Assert.Equal(0, client.Pending);
    }

    [Fact]
    public async Task A_reserved_slot_carries_a_request_sent_another_way_and_its_reply()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, requestCapacity: 4, responseSlots: 2);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);

        Assert.True(client.TryReserve(out RequestId first));
        Assert.True(client.TryReserve(out RequestId second));
        Assert.False(client.TryReserve(out _)); // both slots held, though the queue holds nothing
        Assert.False(server.TryReceive(out _));
        Assert.False(server.Reply(first, "early"u8)); // not accepted yet: a reply needs a server that took it
        Assert.True(server.TryAccept(first));
        Assert.False(server.TryAccept(first)); // taken once
        Assert.True(server.Reply(first, "one"u8));
        Assert.Equal("one", Encoding.UTF8.GetString(await client.GetAsync(first)));

        Assert.True(client.Cancel(second)); // the request never went: its slot is free again
        Assert.False(server.TryAccept(second)); // and the server does not serve a request its client gave up
        Assert.Equal(2, server.GetStats().FreeSlots);
        Assert.Equal(0, client.Pending);
    }

    [Theory]
    [InlineData(12)] // the inline lane
    [InlineData(ReqRepEcho.ArenaLength)]
    public void No_free_slot_and_a_full_queue_are_distinct_outcomes(int length)
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, requestCapacity: 2, responseSlots: 2);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        byte[] one = ReqRepEcho.Request(1, 1, length), two = ReqRepEcho.Request(1, 2, length), three = ReqRepEcho.Request(1, 3, length);

        Assert.Equal(ShmSendResult.Sent, client.TrySend(one, out RequestId first));
        Assert.Equal(ShmSendResult.Sent, client.TrySend(two, out _));
        Assert.Equal(ShmSendResult.NoFreeSlot, client.TrySend(three, out _));
        Assert.Throws<TimeoutException>(() => client.Send(three, TimeSpan.FromMilliseconds(20)));

        Assert.True(server.TryReceive(out ShmRequest taken));
        Assert.Equal(one, taken.Payload.ToArray());
        Assert.True(server.Reply(taken.Id, "r"u8));
        Assert.Equal("r"u8.ToArray(), client.Get(first, Patience));
        Assert.Equal(ShmSendResult.Sent, client.TrySend(three, out _));

        using var segment2 = new TestSegment("rr");
        using var narrow = ShmReqRepServer.CreateNew(segment2.Name, requestCapacity: 2, responseSlots: 8);
        using var client2 = ShmReqRepClient.OpenExisting(segment2.Name);
        Assert.Equal(ShmSendResult.Sent, client2.TrySend(one, out _));
        Assert.Equal(ShmSendResult.Sent, client2.TrySend(two, out _));
        Assert.Equal(ShmSendResult.QueueFull, client2.TrySend(three, out _));
        TimeoutException full = Assert.Throws<TimeoutException>(() => client2.Send(three, TimeSpan.FromMilliseconds(20)));
        // The message names the lane that was full and its real capacity (the short-request lane's is not the request capacity's in general).
        Assert.Contains(length <= ShmReqRepServer.MaxInlineRequestBytes ? "short-request lane" : "arena queue", full.Message);
        Assert.Contains("2 requests queued, its capacity is 2", full.Message);
        Assert.Equal(2, client2.Pending); // the failed sends kept no slot
    }

    [Theory]
    [InlineData(16, 12)] // the short-request lane holds min(16, 4 slots) = 4
    [InlineData(4, ReqRepEcho.ArenaLength)] // the arena queue holds 4
    public void Requests_cancelled_while_no_server_runs_never_fill_the_queue_and_are_never_answered(int requestCapacity, int length)
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, requestCapacity, responseSlots: 4);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        const int cancelled = 50;
        for (int i = 0; i < cancelled; i++)
        {
            Assert.Equal(ShmSendResult.Sent, client.TrySend(ReqRepEcho.Request(1, i, length), out RequestId id));
            Assert.True(client.Cancel(id));
        }
        Assert.InRange(server.Queued, 1, 4); // the sender dropped the rest from its full lane's front

        var ids = new RequestId[4];
        for (int i = 0; i < ids.Length; i++)
            Assert.Equal(ShmSendResult.Sent, client.TrySend(ReqRepEcho.Request(2, i, length), out ids[i]));
        using (new ServingThread(server))
        {
            for (int i = 0; i < ids.Length; i++)
                Assert.Equal(ReqRepEcho.Answer(ReqRepEcho.Request(2, i, length)), client.Get(ids[i], Patience));
            TestWait.Until(() => server.Queued == 0);
        }
        ShmReqRepStats stats = server.GetStats();
        Assert.Equal(cancelled, stats.StaleReplies); // each cancelled request dropped exactly once, by the sender or the server
        Assert.Equal(4, stats.Replies);
        Assert.Equal(4, stats.FreeSlots);
    }

    [Fact]
    public void Typed_requests_cancelled_while_no_server_runs_never_fill_the_queue()
    {
        using var segment = new TestSegment("rrt");
        using var server = ShmReqRepServer<long, long>.CreateNew(segment.Name, 4, responseSlots: 4);
        using var client = ShmReqRepClient<long, long>.OpenExisting(segment.Name);
        for (long i = 0; i < 50; i++)
        {
            Assert.Equal(ShmSendResult.Sent, client.TrySend(i, out RequestId id));
            Assert.True(client.Cancel(id));
        }
        var ids = new RequestId[4];
        for (int i = 0; i < ids.Length; i++)
            Assert.Equal(ShmSendResult.Sent, client.TrySend(100 + i, out ids[i]));
        while (server.TryReceive(out ShmRequest<long> request))
            Assert.True(server.Reply(request.Id, request.Value * request.Value));
        for (int i = 0; i < ids.Length; i++)
            Assert.Equal((100L + i) * (100 + i), client.Get(ids[i], Patience));
        Assert.Equal(50, server.GetStats().StaleReplies);
        Assert.Equal(4, server.GetStats().FreeSlots);
    }

    [Fact]
    public void Short_requests_travel_inline_and_long_ones_through_the_arena_each_lane_in_order()
    {
        Assert.InRange(ShmReqRepServer.MaxInlineRequestBytes, 44, ReqRepEcho.ArenaLength - 1);
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, requestCapacity: 64, responseSlots: 64, maxResponseBytes: 1024);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        int[] lengths = [0, 1, 12, ShmReqRepServer.MaxInlineRequestBytes, ShmReqRepServer.MaxInlineRequestBytes + 1, ReqRepEcho.ArenaLength];
        var sent = new List<(RequestId Id, byte[] Request)>();
        for (int i = 0; i < 40; i++)
        {
            byte[] request = lengths[i % lengths.Length] == 0 ? [] : ReqRepEcho.Request(5, i, lengths[i % lengths.Length]);
            sent.Add((client.Send(request, Patience), request));
        }
        Assert.Equal(40, server.Queued);

        var received = new List<ShmRequest>();
        while (server.TryReceive(out ShmRequest request))
            received.Add(request);
        Assert.Equal(40, received.Count);
        // Each lane keeps the order of sending; together every request arrives once, intact, under its own id.
        foreach (bool inline in new[] { true, false })
        {
            Assert.Equal(
                sent.Where(s => s.Request.Length <= ShmReqRepServer.MaxInlineRequestBytes == inline).Select(s => s.Id),
                received.Where(r => r.Payload.Length <= ShmReqRepServer.MaxInlineRequestBytes == inline).Select(r => r.Id));
        }
        foreach (ShmRequest request in received)
            Assert.True(server.Reply(request.Id, ReqRepEcho.Answer(request.Payload.Span)));
        foreach ((RequestId id, byte[] request) in sent)
            Assert.Equal(ReqRepEcho.Answer(request), client.Get(id, Patience));
        ShmReqRepStats stats = server.GetStats();
        Assert.Equal(40, stats.Requests);
        Assert.Equal(40, stats.Received);
        Assert.Equal(0, client.Pending);
    }

    [Fact]
    public void A_reply_to_a_cancelled_request_is_rejected_and_never_reaches_the_next_request_in_its_slot()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 1);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);

        RequestId a = client.Send("A"u8, Patience);
        Assert.True(server.TryReceive(out ShmRequest requestA));
        Assert.True(client.Cancel(a));
        RequestId b = client.Send("B"u8, Patience);
        Assert.Equal(a.Slot, b.Slot);
        Assert.NotEqual(a.Generation, b.Generation);

        Assert.False(server.Reply(requestA.Id, "for A"u8));
        Assert.False(client.TryGet(b, out _));
        Assert.True(server.TryReceive(out ShmRequest requestB));
        Assert.True(server.Reply(requestB.Id, "for B"u8));
        Assert.Equal("for B"u8.ToArray(), client.Get(b, Patience));
        Assert.Throws<ShmStaleRequestException>(() => client.Get(a, Patience));
        Assert.Equal(1, server.GetStats().StaleReplies);
    }

    [Fact]
    public void A_request_cancelled_before_a_server_took_it_is_dropped_at_receive()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 4);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        RequestId a = client.Send("A"u8, Patience);
        client.Send("B"u8, Patience);
        Assert.True(client.Cancel(a));
        Assert.True(server.TryReceive(out ShmRequest request));
        Assert.Equal("B"u8.ToArray(), request.Payload.ToArray());
        Assert.False(server.TryReceive(out _));
    }

    [Fact]
    public void Cancel_racing_a_reply_has_exactly_one_winner_and_a_winning_reply_is_intact()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 2, maxResponseBytes: 4096);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        byte[] response = Enumerable.Range(0, 4096).Select(i => (byte)i).ToArray();
        for (int round = 0; round < 50; round++)
        {
            RequestId id = client.Send(ReqRepEcho.Request(1, round), Patience);
            Assert.True(server.TryReceive(out ShmRequest request));
            using var start = new Barrier(2);
            bool replied = false, cancelled = false;
            var replier = new Thread(() =>
            {
                start.SignalAndWait();
                replied = server.Reply(request.Id, response);
            });
            replier.Start();
            start.SignalAndWait();
            cancelled = client.Cancel(id);
            replier.Join();

            Assert.True(replied ^ cancelled, $"round {round}: replied={replied} cancelled={cancelled}");
            if (replied)
                Assert.Equal(response, client.Get(id, Patience));
            else
                Assert.Throws<ShmStaleRequestException>(() => client.TryGet(id, out _));
            Assert.Equal(0, client.Pending);
        }
        Assert.Equal(2, server.GetStats().FreeSlots);
    }

    [Fact]
    public void A_timeout_with_no_server_leaves_no_pending_slot()
    {
        using var segment = new TestSegment("rr");
        ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 2).Dispose(); // created, then left cleanly: clients wait
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        Assert.Throws<TimeoutException>(() => client.Request("x"u8, TimeSpan.FromMilliseconds(50)));
        Assert.Equal(0, client.Pending);
        Assert.Equal(1, client.GetStats().Timeouts);
    }

    [Fact]
    public void Timeouts_racing_replies_leak_no_slot()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 64, responseSlots: 4);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        using var stop = new CancellationTokenSource();
        var replier = Task.Run(() =>
        {
            // Replies land at random points around the client's deadline.
            var random = new Random(5);
            while (!stop.IsCancellationRequested)
            {
                if (!server.TryReceive(out ShmRequest request, TimeSpan.FromMilliseconds(10)))
                    continue;
                Thread.SpinWait(random.Next(0, 20_000));
                server.Reply(request.Id, request.Payload.Span);
            }
        });
        int answered = 0, timedOut = 0;
        for (int i = 0; i < 1000; i++)
        {
            try
            {
                client.Request(ReqRepEcho.Request(2, i), TimeSpan.FromTicks(1000 + i % 7 * 500));
                answered++;
            }
            catch (TimeoutException)
            {
                timedOut++;
            }
        }
        stop.Cancel();
        replier.Wait();
        Assert.Equal(1000, answered + timedOut);
        Assert.Equal(0, client.Pending);
        Assert.Equal(4, client.GetStats().FreeSlots);
    }

    [Fact]
    public void Clear_frees_every_slot_and_a_get_on_a_cleared_id_says_stale()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 4);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        RequestId queued = client.Send("q"u8, Patience);
        RequestId answered = client.Send("a"u8, Patience);
        Assert.True(server.TryReceive(out _));
        Assert.True(server.TryReceive(out ShmRequest second));
        server.Reply(second.Id, "r"u8);
        server.Clear();
        Assert.Throws<ShmStaleRequestException>(() => client.Get(queued, Patience));
        Assert.Throws<ShmStaleRequestException>(() => client.TryGet(answered, out _));
        Assert.Equal(4, server.GetStats().FreeSlots);
        Assert.Equal(0, server.Queued);
    }

    [Fact]
    public void A_disposed_server_fails_the_requests_it_took_at_once()
    {
        using var segment = new TestSegment("rr");
        var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 4);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        RequestId id = client.Send("x"u8, Patience);
        Assert.True(server.TryReceive(out _));
        server.Dispose();
        Assert.Throws<ShmServerUnavailableException>(() => client.Get(id, Patience));
        Assert.Equal(0, client.Pending);
    }

    [Fact]
    public void Split_form_keeps_many_requests_in_flight_and_reads_them_in_any_order()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 64, responseSlots: 16);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        RequestId[] ids = Enumerable.Range(0, 10).Select(i => client.Send(ReqRepEcho.Request(3, i), Patience)).ToArray();
        Assert.Equal(10, client.Pending);
        IReadOnlyList<ShmRequest> batch = server.ReceiveMany(int.MaxValue);
        Assert.Equal(10, batch.Count);
        foreach (ShmRequest request in batch.Reverse())
            Assert.True(server.Reply(request.Id, ReqRepEcho.Answer(request.Payload.Span)));
        for (int i = 9; i >= 0; i--)
            Assert.True(ReqRepEcho.Matches(ReqRepEcho.Request(3, i), client.Get(ids[i], Patience)));
        Assert.Equal(0, client.Pending);
    }

    [Theory]
    [InlineData(40, 10)] // the inline lane
    [InlineData(400, 250)] // the arena
    public void Zero_allocation_receive_reports_a_request_too_long_for_the_buffer_and_leaves_it_queued(int longer, int shorter)
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 4);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        client.Send(new byte[longer], Patience);
        client.Send(new byte[shorter], Patience);
        Assert.False(server.TryReceive(new byte[16], out _, out int needed));
        Assert.Equal(longer, needed);
        Assert.Equal(2, server.Queued);
        Span<byte> buffer = new byte[longer + shorter];
        Span<int> lengths = stackalloc int[4];
        Span<RequestId> ids = new RequestId[4];
        Assert.Equal(2, server.ReceiveMany(buffer, lengths, ids));
        Assert.Equal(longer, lengths[0]);
        Assert.Equal(shorter, lengths[1]);
    }

    [Fact]
    public async Task Ten_thousand_concurrent_async_requests_complete_without_a_thread_each()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 1024, responseSlots: 64);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        int groupsBefore = FutexWaitService.Shared.GroupCount;
        int threadsBefore = Process.GetCurrentProcess().Threads.Count;
        ValueTask<byte[]>[] calls = Enumerable.Range(0, 10_000).Select(i => client.RequestAsync(ReqRepEcho.Request(4, i))).ToArray();
        Assert.True(Process.GetCurrentProcess().Threads.Count < threadsBefore + 64);

        using var serving = new ServingThread(server);
        for (int i = 0; i < calls.Length; i++)
        {
            byte[] answer = await calls[i];
            Assert.True(ReqRepEcho.Matches(ReqRepEcho.Request(4, i), answer));
        }
        Assert.True(FutexWaitService.Shared.GroupCount <= groupsBefore + 1);
        Assert.Equal(0, client.Pending);
    }

    [Fact]
    public async Task Cancelling_an_async_request_frees_its_slot_and_get_async_returns_a_reply()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 2);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        using var cancel = new CancellationTokenSource();
        ValueTask<byte[]> call = client.RequestAsync("c"u8.ToArray(), cancel.Token);
        TestWait.Until(() => client.Pending == 1);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call);
        Assert.Equal(0, client.Pending);

        RequestId id = client.Send("g"u8, Patience);
        ValueTask<byte[]> get = client.GetAsync(id);
        ShmRequest request = await server.ReceiveAsync();
        server.Reply(request.Id, "got"u8);
        Assert.Equal("got"u8.ToArray(), await get);
    }

    [Fact]
    public void Typed_channel_round_trips_values_and_refuses_other_types()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer<long, long>.CreateNew(segment.Name, 16, responseSlots: 4);
        using var client = ShmReqRepClient<long, long>.OpenExisting(segment.Name);
        using var stop = new CancellationTokenSource();
        Task serving = Task.Run(() =>
        {
            try
            {
                while (true)
                {
                    ShmRequest<long> request = server.Receive(Timeout.InfiniteTimeSpan, stop.Token);
                    server.Reply(request.Id, request.Value * request.Value);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        for (long i = -5; i < 50; i++)
            Assert.Equal(i * i, client.Request(i, Patience));
        Assert.Equal(49, client.RequestAsync(7).AsTask().Result);
        Assert.ThrowsAny<InvalidDataException>(() => ShmReqRepClient<long, int>.OpenExisting(segment.Name));
        Assert.ThrowsAny<InvalidDataException>(() => ShmReqRepClient.OpenExisting(segment.Name));
        stop.Cancel();
        serving.Wait();
    }

    [Fact]
    public void Bad_arguments_name_the_argument_and_the_limit()
    {
        using var segment = new TestSegment("rr");
        Assert.Equal("responseSlots", Assert.Throws<ArgumentOutOfRangeException>(() => ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 0)).ParamName);
        Assert.Equal("responseBytes", Assert.Throws<ArgumentOutOfRangeException>(() => ShmReqRepServer.CreateNew(segment.Name, 8, maxResponseBytes: -1)).ParamName);
        using var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 2);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        Assert.Throws<ArgumentException>(() => server.Reply(default, "x"u8));
        Assert.Throws<ArgumentException>(() => client.Get(new RequestId(1UL << 32 | 99), Patience));
        Assert.Throws<ArgumentException>(() => client.TrySend(new byte[client.MaxRequestBytes + 1], out _));
    }

    [Fact]
    public void Eventfds_carry_notifications_both_ways_and_stats_and_metrics_count_the_traffic()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 8, responseSlots: 2);
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        client.AttachRequestEventFd(server.EnableRequestEventFd());
        client.AttachReplyEventFd(server.EnableReplyEventFd());

        long replies = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Shm.Primitives" && instrument.Name == "shm.reqrep.replies")
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Value as string == server.Name)
                    replies = value;
            }
        });
        listener.Start();

        RequestId id = client.Send("n"u8, Patience);
        client.NotifyRequest();
        Assert.Equal(1UL, server.ConsumeRequestNotifications());
        Assert.True(server.TryReceive(out ShmRequest request));
        server.Reply(request.Id, "r"u8);
        server.NotifyReply();
        Assert.Equal(1UL, client.ConsumeReplyNotifications());
        client.Get(id, Patience);

        listener.RecordObservableInstruments();
        Assert.Equal(1, replies);
        ShmReqRepStats stats = client.GetStats();
        Assert.Equal(1, stats.Requests);
        Assert.Equal(1, stats.Replies);
        Assert.Equal(1, stats.LiveServers);
        Assert.Equal(2, stats.FreeSlots);
    }

    [Fact]
    public void Memfd_channel_works_through_its_descriptor()
    {
        using var server = ShmReqRepServer.CreateMemfd("rr-memfd", 8, responseSlots: 2);
        using var client = ShmReqRepClient.OpenDescriptor(server.MemfdDescriptor);
        RequestId id = client.Send("m"u8, Patience);
        Assert.True(server.TryReceive(out ShmRequest request));
        server.Reply(request.Id, "memfd"u8);
        Assert.Equal("memfd"u8.ToArray(), client.Get(id, Patience));
        Assert.Null(server.Path);
    }
}
