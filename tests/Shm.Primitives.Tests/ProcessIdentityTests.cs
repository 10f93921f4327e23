namespace Shm.Primitives.Tests;

public class ProcessIdentityTests
{
    [Fact]
    public void This_process_is_alive_and_a_recycled_pid_is_not()
    {
        Assert.True(ProcessIdentity.IsAlive(ProcessIdentity.CurrentOwner));
        // Same pid, another start time: what a recycled pid looks like to a reader of an old owner word.
        ulong recycled = ProcessIdentity.ToOwner(ProcessIdentity.CurrentProcessId, ProcessIdentity.CurrentStartTime + 1);
        Assert.False(ProcessIdentity.IsAlive(recycled));
    }

    [Fact]
    public void Another_process_is_alive_until_it_is_killed()
    {
        using var segment = new TestSegment();
        using var log = new TestSegment("log");
        using var queue = ShmQueue<long>.CreateNew(segment.Name, 2);
        using Worker worker = Worker.Start("consume", segment.Name, log.Path, "16", "1");
        Assert.Equal("ready", worker.ReadLine());
        ulong owner = ProcessIdentity.ToOwner(worker.Pid, ProcessIdentity.ReadStartTime(worker.Pid)!.Value);
        Assert.True(ProcessIdentity.IsAlive(owner));
        worker.Process.Kill();
        Assert.Equal(Worker.KilledExitCode, worker.WaitForExit());
        Assert.False(ProcessIdentity.IsAlive(owner));
    }
}
