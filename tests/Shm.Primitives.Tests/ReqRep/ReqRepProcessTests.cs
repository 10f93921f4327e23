using Shm.Primitives.Diagnostics;
using Shm.Primitives.Interop;
using Shm.TestWorker;

namespace Shm.Primitives.Tests.ReqRep;

/// <summary>ShmReqRep across real processes: many clients and servers, and kill -9 / SIGSTOP of either side.</summary>
public sealed class ReqRepProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly int Kills = (int)TestSize.Get("SHM_REQREP_KILLS", 20);

    [Fact]
    public void Four_client_processes_and_two_server_processes_get_only_their_own_responses_and_leak_no_slot()
    {
        using var segment = new TestSegment("rr");
        using var channel = ShmReqRepServer.CreateNew(segment.Name, 256, responseSlots: 32);
        using var serverA = Worker.Start("rr-server", segment.Name);
        using var serverB = Worker.Start("rr-server", segment.Name);
        Assert.Equal("ready", serverA.ReadLine());
        Assert.Equal("ready", serverB.ReadLine());
        channel.Dispose(); // only the worker processes serve

        var clients = Enumerable.Range(1, 4).Select(c => Worker.Start("rr-client", segment.Name, $"{c}", "2000", "10")).ToArray();
        try
        {
            foreach (Worker client in clients)
            {
                Assert.Equal("ready", client.ReadLine());
                Assert.Equal("done 0", client.ReadLine(Patience));
                client.WaitForSuccess();
            }
        }
        finally
        {
            foreach (Worker client in clients)
                client.Dispose();
        }
        using var observer = ShmReqRepClient.OpenExisting(segment.Name);
        ShmReqRepStats stats = observer.GetStats();
        Assert.Equal(32, stats.FreeSlots);
        Assert.Equal(2, stats.LiveServers);
        Assert.True(stats.Cancels > 0);
    }

    [Fact]
    public void A_client_killed_holding_every_slot_does_not_block_the_next_client_and_a_stopped_one_keeps_its_slots()
    {
        using var segment = new TestSegment("rr");
        using var server = ShmReqRepServer.CreateNew(segment.Name, 16, responseSlots: 4);
        using var holder = Worker.Start("rr-hold", segment.Name);
        Assert.Equal("held 4", holder.ReadLine());
        using var client = ShmReqRepClient.OpenExisting(segment.Name);

        Assert.Equal(0, Libc.Kill(holder.Pid, Libc.SIGSTOP)); // stopped is alive: its slots stay its own
        Assert.Throws<TimeoutException>(() => client.Send("x"u8, TimeSpan.FromMilliseconds(200)));
        holder.Process.Kill();
        Assert.Equal(Worker.KilledExitCode, holder.WaitForExit());

        using var serving = new ServingThread(server);
        byte[] request = ReqRepEcho.Request(9, 1);
        Assert.True(ReqRepEcho.Matches(request, client.Request(request, Patience)));
        Assert.True(client.GetStats().Recoveries >= 1);
    }

    [Fact]
    public void A_stopped_server_is_never_declared_dead_and_a_killed_last_server_fails_waiting_clients_at_once()
    {
        using var segment = new TestSegment("rr");
        ShmReqRepServer.CreateNew(segment.Name, 16, responseSlots: 4).Dispose();
        using var server = Worker.Start("rr-server", segment.Name);
        Assert.Equal("ready", server.ReadLine());
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        byte[] request = ReqRepEcho.Request(1, 1);
        Assert.True(ReqRepEcho.Matches(request, client.Request(request, Patience)));

        Assert.Equal(0, Libc.Kill(server.Pid, Libc.SIGSTOP)); // SIGSTOP: alive, just not answering
        Assert.Throws<TimeoutException>(() => client.Request(request, TimeSpan.FromMilliseconds(300)));
        Assert.Equal(0, Libc.Kill(server.Pid, Libc.SIGCONT));
        Assert.True(ReqRepEcho.Matches(request, client.Request(request, Patience)));

        Assert.Equal(0, Libc.Kill(server.Pid, Libc.SIGSTOP));
        RequestId waiting = client.Send(request, Patience); // queued, never taken
        server.Process.Kill();
        Assert.Equal(Worker.KilledExitCode, server.WaitForExit());
        ShmServerUnavailableException error = Assert.Throws<ShmServerUnavailableException>(() => client.Get(waiting, Patience));
        Assert.Contains("no live server", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Throws<ShmServerUnavailableException>(() => client.Request(request, Patience));
        Assert.Equal(0, client.Pending);
    }

    [Theory]
    [InlineData(FaultPoints.ReqRepClientAcquired, 12)]
    [InlineData(FaultPoints.ReqRepClientSent, 12)]
    [InlineData(FaultPoints.ReqRepClientReading, 12)]
    [InlineData(FaultPoints.QueuePushClaimed, 12)] // inside the inline lane's enqueue: a claimed cell never committed
    [InlineData(FaultPoints.ReqRepClientAcquired, ReqRepEcho.ArenaLength)]
    [InlineData(FaultPoints.ReqRepClientSent, ReqRepEcho.ArenaLength)]
    [InlineData(FaultPoints.ReqRepClientReading, ReqRepEcho.ArenaLength)]
    public void A_client_killed_at_any_point_leaks_no_slot(string faultPoint, int length)
    {
        using var segment = new TestSegment("rr");
        const int slots = 4;
        using var server = ShmReqRepServer.CreateNew(segment.Name, 64, responseSlots: slots);
        using var serving = new ServingThread(server);
        using var survivor = ShmReqRepClient.OpenExisting(segment.Name);
        for (int k = 0; k < Kills; k++)
        {
            var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:{1 + k % 3}:kill" };
            using (Worker victim = Worker.Start(environment, "rr-client", segment.Name, $"{100 + k}", "10", "0", $"{length}"))
                Assert.Equal(Worker.KilledExitCode, victim.WaitForExit());

            // Every slot can be taken again: the dead client's are freed by the survivor that needs them.
            RequestId[] all = Enumerable.Range(0, slots).Select(i => survivor.Send(ReqRepEcho.Request(k, i, length), Patience)).ToArray();
            for (int i = 0; i < slots; i++)
                Assert.True(ReqRepEcho.Matches(ReqRepEcho.Request(k, i, length), survivor.Get(all[i], Patience)));
        }
        Assert.Equal(slots, survivor.GetStats().FreeSlots);
    }

    [Theory]
    [InlineData(FaultPoints.ReqRepServerTaken, 12)]
    [InlineData(FaultPoints.ReqRepServerWriting, 12)]
    [InlineData(FaultPoints.QueuePopClaimed, 12)] // inside the inline lane's dequeue, before the request's slot was marked
    [InlineData(FaultPoints.ReqRepServerTaken, ReqRepEcho.ArenaLength)]
    [InlineData(FaultPoints.ReqRepServerWriting, ReqRepEcho.ArenaLength)]
    public void A_server_killed_after_taking_a_request_fails_that_request_not_its_timeout(string faultPoint, int length)
    {
        using var segment = new TestSegment("rr");
        ShmReqRepServer.CreateNew(segment.Name, 64, responseSlots: 4).Dispose();
        using var client = ShmReqRepClient.OpenExisting(segment.Name);
        for (int k = 0; k < Kills; k++)
        {
            var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:1:kill" };
            using Worker victim = Worker.Start(environment, "rr-server", segment.Name);
            Assert.Equal("ready", victim.ReadLine());
            byte[] request = ReqRepEcho.Request(k, 0, length);
            ShmServerUnavailableException error = Assert.Throws<ShmServerUnavailableException>(() => client.Request(request, Patience));
            Assert.Contains("died", error.Message);
            Assert.Equal(Worker.KilledExitCode, victim.WaitForExit());
            Assert.Equal(0, client.Pending);
        }
        using Worker healthy = Worker.Start("rr-server", segment.Name);
        Assert.Equal("ready", healthy.ReadLine());
        byte[] last = ReqRepEcho.Request(7, 7);
        Assert.True(ReqRepEcho.Matches(last, client.Request(last, Patience)));
        Assert.Equal(4, client.GetStats().FreeSlots);
    }

    [Theory]
    [InlineData(FaultPoints.ReqRepServerTaken)]
    [InlineData(FaultPoints.QueuePopClaimed)] // died inside the lock-free dequeue, before the request's slot was marked
    public void A_typed_server_killed_while_taking_a_request_fails_that_request(string faultPoint)
    {
        using var segment = new TestSegment("rrt");
        ShmReqRepServer<long, long>.CreateNew(segment.Name, 64, responseSlots: 4).Dispose();
        using var client = ShmReqRepClient<long, long>.OpenExisting(segment.Name);
        for (int k = 0; k < Math.Max(2, Kills / 4); k++)
        {
            var environment = new Dictionary<string, string> { [FaultPoint.EnvironmentVariable] = $"{faultPoint}:1:kill" };
            using Worker victim = Worker.Start(environment, "rrt-server", segment.Name);
            Assert.Equal("ready", victim.ReadLine());
            Assert.Throws<ShmServerUnavailableException>(() => client.Request(k, Patience));
            Assert.Equal(Worker.KilledExitCode, victim.WaitForExit());
        }
        using Worker healthy = Worker.Start("rrt-server", segment.Name);
        Assert.Equal("ready", healthy.ReadLine());
        Assert.Equal(144, client.Request(12, Patience));
        Assert.Equal(4, client.GetStats().FreeSlots);
    }
}
