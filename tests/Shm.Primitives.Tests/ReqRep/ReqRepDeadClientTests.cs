using Shm.Primitives.Diagnostics;
using Shm.TestWorker;

namespace Shm.Primitives.Tests.ReqRep;

/// <summary>
/// A client process killed with SIGKILL (at every client fault point and at random moments) while no server takes
/// requests leaves nothing that stops the next client from sending: its slots are reclaimed, and the requests it left
/// queued are dropped (by the next sender that finds its lane full, or by a server) and never answered.
/// </summary>
/// <remarks>
/// The queues are sized so the dead client's requests fill a lane: 4 response slots with request capacity 16 (the
/// short-request lane holds min(16, 4) = 4), or request capacity 4 (the arena queue holds 4) for long requests.
/// </remarks>
public sealed class ReqRepDeadClientTests
{
    private const int Slots = 4;
    private const int Short = 12;
    private const int Long = ReqRepEcho.ArenaLength;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly int RandomKills = (int)TestSize.Get("SHM_REQREP_DEAD_CLIENT_KILLS", 3);

    [Theory]
    [InlineData(16, Short)] // its 4 requests fill the short-request lane
    [InlineData(4, Long)] // its 4 requests fill the arena queue
    public void A_client_that_took_every_slot_then_was_killed_does_not_stop_the_next_clients_sends(int requestCapacity, int length)
    {
        using var segment = new TestSegment("rrdead");
        using var server = ShmReqRepServer.CreateNew(segment.Name, requestCapacity, responseSlots: Slots);
        HoldEveryFreeSlotThenKill(segment.Name, length, Slots);

        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        SendOnEverySlotThenServe(server, client, round: 1, length, blocking: false);
    }

    [Fact]
    public void The_blocking_send_after_a_killed_client_succeeds_and_a_full_lane_names_itself_and_its_capacity()
    {
        using var segment = new TestSegment("rrdead");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 16, responseSlots: Slots);
        HoldEveryFreeSlotThenKill(segment.Name, Short, Slots);

        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        SendOnEverySlotThenServe(server, client, round: 1, Short, blocking: true);

        // A lane that is really full: request capacity 2 below 8 slots makes a 2-request lane that live requests fill.
        using var narrowSegment = new TestSegment("rrdead");
        using var narrow = ShmReqRepServer.CreateNew(narrowSegment.Name, 2, responseSlots: 8);
        using var narrowClient = ShmReqRepClient.OpenExisting(narrowSegment.Name);
        for (int i = 0; i < 2; i++)
            Assert.Equal(ShmSendResult.Sent, narrowClient.TrySend(ReqRepEcho.Request(2, i), out _));
        TimeoutException lane = Assert.Throws<TimeoutException>(() => narrowClient.Send(ReqRepEcho.Request(2, 2), TimeSpan.FromMilliseconds(20)));
        Assert.Contains("short-request lane", lane.Message);
        Assert.Contains("2 requests queued, its capacity is 2", lane.Message);
        Assert.Contains("2 requests wait for a server", lane.Message);
        for (int i = 0; i < 2; i++)
            Assert.Equal(ShmSendResult.Sent, narrowClient.TrySend(ReqRepEcho.Request(2, i, Long), out _));
        TimeoutException arena = Assert.Throws<TimeoutException>(() => narrowClient.Send(ReqRepEcho.Request(2, 4, Long), TimeSpan.FromMilliseconds(20)));
        Assert.Contains("arena queue", arena.Message);
        Assert.Contains("2 requests queued, its capacity is 2 requests", arena.Message);
        Assert.Equal(4, narrowClient.Pending); // the failed sends kept no slot
    }

    [Fact]
    public void A_killed_clients_requests_queued_behind_one_still_waited_for_do_not_stop_the_next_clients_sends()
    {
        using var segment = new TestSegment("rrdead");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 16, responseSlots: Slots);
        using var waiting = ShmReqRepClient.OpenExisting(segment.Name);
        byte[] first = ReqRepEcho.Request(1, 0);
        Assert.Equal(ShmSendResult.Sent, waiting.TrySend(first, out RequestId firstId)); // at the lane's front, untaken
        HoldEveryFreeSlotThenKill(segment.Name, Short, Slots - 1); // the lane is full: one waited for, three dead

        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        var ids = new RequestId[Slots - 1];
        for (int i = 0; i < ids.Length; i++)
        {
            ShmSendResult result = client.TrySend(ReqRepEcho.Request(2, i), out ids[i]);
            Assert.True(result == ShmSendResult.Sent, $"send {i}: {result}; {client.GetStats()}");
        }
        using (new ServingThread(server))
        {
            Assert.True(ReqRepEcho.Matches(first, waiting.Get(firstId, Patience)));
            for (int i = 0; i < ids.Length; i++)
                Assert.True(ReqRepEcho.Matches(ReqRepEcho.Request(2, i), client.Get(ids[i], Patience)));
            TestWait.Until(() => client.GetStats().Queued == 0, "the dead client's requests were not all dropped");
        }
        ShmReqRepStats stats = client.GetStats();
        Assert.Equal(Slots, stats.FreeSlots);
        Assert.True(stats.StaleReplies >= Slots - 1, $"{stats}");
    }

    [Theory]
    [InlineData(FaultPoints.ReqRepClientAcquired, 16, Short)] // three requests queued, the fourth slot taken, its request not
    [InlineData(FaultPoints.ReqRepClientSent, 16, Short)]
    [InlineData(FaultPoints.QueuePushClaimed, 16, Short)] // three queued, the fourth lane cell claimed, never committed
    [InlineData(FaultPoints.ReqRepClientAcquired, 4, Long)]
    [InlineData(FaultPoints.ReqRepClientSent, 4, Long)]
    public void A_client_killed_at_a_fault_point_while_taking_every_slot_does_not_stop_the_next_clients_sends(string faultPoint, int requestCapacity, int length)
    {
        using var segment = new TestSegment("rrdead");
        using var server = ShmReqRepServer.CreateNew(segment.Name, requestCapacity, responseSlots: Slots);
        HoldSlotsUntilKilledAt(segment.Name, length, faultPoint, hit: Slots);

        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        SendOnEverySlotThenServe(server, client, round: 1, length, blocking: false);
    }

    [Theory]
    [InlineData(16, Short)]
    [InlineData(4, Long)]
    public void A_client_killed_reading_its_reply_and_one_killed_holding_the_other_slots_do_not_stop_the_next_clients_sends(int requestCapacity, int length)
    {
        using var segment = new TestSegment("rrdead");
        using var server = ShmReqRepServer.CreateNew(segment.Name, requestCapacity, responseSlots: Slots);
        var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{FaultPoints.ReqRepClientReading}:1:kill" };
        using (Worker reader = Worker.Start(environment, "rr-client", segment.Name, "300", "1", "0", $"{length}"))
        {
            Assert.Equal("ready", reader.ReadLine());
            ShmRequest request = server.Receive(Patience); // answered by hand: no server runs afterwards
            Assert.True(server.Reply(request.Id, ReqRepEcho.Answer(request.Payload.Span)));
            Assert.Equal(Worker.KilledExitCode, reader.WaitForExit(Patience)); // died holding its READY slot
        }
        // The holder's open reclaims the dead reader's slot, so it takes all four, its requests filling the lane.
        HoldEveryFreeSlotThenKill(segment.Name, length, Slots);

        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        SendOnEverySlotThenServe(server, client, round: 1, length, blocking: false);
    }

    [Theory]
    [InlineData(FaultPoints.QueuePopClaimed, 16, Short)] // a lane cell claimed to drop it, never released
    [InlineData(FaultPoints.ByteQueuePopManyStaged, 4, Long)] // under the arena's lock, the drop not committed
    [InlineData(FaultPoints.ByteQueuePopManyApplying, 4, Long)] // under the arena's lock, the drop half applied
    public void A_client_killed_while_dropping_a_dead_clients_requests_does_not_stop_the_next_clients_sends(string faultPoint, int requestCapacity, int length)
    {
        using var segment = new TestSegment("rrdead");
        using var server = ShmReqRepServer.CreateNew(segment.Name, requestCapacity, responseSlots: Slots);
        HoldEveryFreeSlotThenKill(segment.Name, length, Slots);
        HoldSlotsUntilKilledAt(segment.Name, length, faultPoint, hit: 1); // its first send finds the lane full of dead requests

        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        SendOnEverySlotThenServe(server, client, round: 1, length, blocking: false);
    }

    [Fact]
    public void Clients_killed_at_random_moments_while_sending_do_not_stop_the_next_clients_sends()
    {
        int seed = (int)TestSize.Get("SHM_REQREP_DEAD_CLIENT_SEED", Environment.TickCount & int.MaxValue);
        var random = new Random(seed);
        using var segment = new TestSegment("rrdead");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 4, responseSlots: Slots); // both lanes hold 4
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        for (int k = 0; k < RandomKills; k++)
        {
            int length = random.Next(2) == 0 ? Short : Long;
            long sends = random.Next(1, 200_000); // the victim sends millions a second: up to some 20 ms of it
            // No server runs: the victim sends and cancels in a loop, so its lane is full of requests nobody waits
            // for and each of its sends first drops them; the kill lands anywhere in that (acquire, either lane's
            // claim or commit, the drop, the arena's lock, the cancel), early (code not yet optimised) or later.
            using (Worker victim = Worker.Start("rr-client", segment.Name, $"{1000 + k}", "1000000000", "1", $"{length}"))
            {
                Assert.Equal("ready", victim.ReadLine());
                long target = client.GetStats().Requests + sends;
                TestWait.Until(() => client.GetStats().Requests >= target || victim.Process.HasExited,
                    $"seed {seed}, round {k}: the victim did not make {sends} sends");
                if (victim.Process.HasExited)
                    Assert.Fail($"seed {seed}, round {k}: the victim ended by itself: {victim.Process.StandardError.ReadToEnd()}");
                victim.Process.Kill();
                Assert.Equal(Worker.KilledExitCode, victim.WaitForExit(Patience));
            }
            SendOnEverySlotThenServe(server, client, round: k, length, blocking: true, $"seed {seed}, round {k} ({length} bytes, {sends} sends): ", expectRecovery: false);
        }
    }

    /// <summary>A client process takes every free slot with requests of <paramref name="length"/> bytes, then is SIGKILLed; its requests stay queued.</summary>
    private static void HoldEveryFreeSlotThenKill(string name, int length, int expectedHeld)
    {
        using Worker holder = Worker.Start("rr-hold", name, $"{length}");
        Assert.Equal($"held {expectedHeld}", holder.ReadLine(Patience));
        holder.Process.Kill();
        Assert.Equal(Worker.KilledExitCode, holder.WaitForExit(Patience));
    }

    /// <summary>A client process takes slots with requests of <paramref name="length"/> bytes and dies at the <paramref name="hit"/>-th pass through <paramref name="faultPoint"/>.</summary>
    private static void HoldSlotsUntilKilledAt(string name, int length, string faultPoint, int hit)
    {
        var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:{hit}:kill" };
        using Worker victim = Worker.Start(environment, "rr-hold", name, $"{length}");
        Assert.Equal(Worker.KilledExitCode, victim.WaitForExit(Patience));
    }

    /// <summary>
    /// Before any server runs, <paramref name="client"/> sends on every slot (<paramref name="blocking"/>: Send,
    /// else TrySend, which must succeed at once); then a server answers each with its own answer, drops what the dead
    /// left queued, and every slot is free again.
    /// </summary>
    private static void SendOnEverySlotThenServe(ShmReqRepServer server, ShmReqRepClient client, int round, int length, bool blocking, string context = "", bool expectRecovery = true)
    {
        var ids = new RequestId[Slots];
        for (int i = 0; i < Slots; i++)
        {
            byte[] request = ReqRepEcho.Request(round, i, length);
            if (blocking)
            {
                ids[i] = client.Send(request, Patience);
                continue;
            }
            ShmSendResult result = client.TrySend(request, out ids[i]);
            Assert.True(result == ShmSendResult.Sent, $"{context}send {i} of {Slots}: {result}; {client.GetStats()}");
        }
        Assert.Equal(Slots, client.Pending);
        if (expectRecovery)
            Assert.True(client.GetStats().Recoveries >= 1, $"{context}no dead client was recovered: {client.GetStats()}");

        using (new ServingThread(server))
        {
            for (int i = 0; i < Slots; i++)
                Assert.True(ReqRepEcho.Matches(ReqRepEcho.Request(round, i, length), client.Get(ids[i], Patience)), $"{context}answer {i} is not its own");
            TestWait.Until(() => client.GetStats().Queued == 0, $"{context}requests the dead left were not dropped: {client.GetStats()}");
        }
        ShmReqRepStats stats = client.GetStats();
        Assert.True(stats.FreeSlots == Slots, $"{context}{stats}");
        Assert.Equal(0, client.Pending);
    }
}
