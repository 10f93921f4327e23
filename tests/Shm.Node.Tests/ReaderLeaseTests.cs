namespace Shm.Node.Tests;

/// <summary>The lease of a transport reader thread: what its watchdog may revoke, and what the holder learns.</summary>
public sealed class ReaderLeaseTests
{
    [Fact]
    public void Turns_that_end_between_checks_are_never_revoked()
    {
        var lease = new ReaderLease();
        long seen = 0;
        for (int i = 0; i < 5; i++)
        {
            lease.TurnBegun();
            Assert.False(lease.RevokeIfStuck(ref seen)); // first sight of this turn
            Assert.True(lease.EndTurn());
            Assert.False(lease.RevokeIfStuck(ref seen)); // between turns
        }
        Assert.False(lease.TryRevokeTurn()); // nothing running
        lease.TurnBegun();
        Assert.True(lease.EndTurn());
    }

    [Fact]
    public void A_turn_seen_running_at_two_checks_is_revoked_and_its_holder_learns_it_when_it_ends()
    {
        var lease = new ReaderLease();
        long seen = 0;
        lease.TurnBegun();
        Assert.True(lease.EndTurn());
        lease.TurnBegun();
        Assert.False(lease.RevokeIfStuck(ref seen));
        Assert.False(lease.IsRevoked);
        Assert.True(lease.RevokeIfStuck(ref seen));
        Assert.True(lease.IsRevoked);
        Assert.False(lease.RevokeIfStuck(ref seen)); // revoked once
        Assert.False(lease.EndTurn());
        lease.TurnBegun(); // a holder that missed it stays revoked
        Assert.False(lease.EndTurn());
    }

    [Fact]
    public void A_running_turn_can_be_revoked_at_once_and_then_never_ends_as_held()
    {
        var lease = new ReaderLease();
        lease.TurnBegun();
        Assert.True(lease.TryRevokeTurn());
        Assert.False(lease.TryRevokeTurn());
        Assert.False(lease.EndTurn());
    }

    [Fact]
    public void A_holder_ending_and_a_watchdog_revoking_at_the_same_moment_agree_on_one_outcome()
    {
        for (int round = 0; round < 300; round++)
        {
            var lease = new ReaderLease();
            lease.TurnBegun();
            bool ended = false;
            using var start = new Barrier(2);
            var holder = new Thread(() =>
            {
                start.SignalAndWait();
                ended = lease.EndTurn();
            });
            holder.Start();
            start.SignalAndWait();
            bool revoked = lease.TryRevokeTurn();
            holder.Join();
            Assert.True(ended != revoked, $"round {round}: ended {ended}, revoked {revoked}");
        }
    }

    [Fact]
    public void Turns_deferred_in_a_batch_run_in_order_when_it_ends_and_never_outside_one()
    {
        var lease = new ReaderLease();
        var ran = new List<int>();
        Assert.False(lease.TryDefer(new Turn(() => ran.Add(0)), Run));
        lease.BeginBatch();
        for (int i = 1; i <= 3; i++)
        {
            int id = i;
            Assert.True(lease.TryDefer(new Turn(() => ran.Add(id)), Run));
        }
        Assert.Empty(ran); // nothing runs while the batch is delivered
        lease.EndBatch();
        Assert.Equal([1, 2, 3], ran);
        Assert.False(lease.TryDefer(new Turn(() => ran.Add(4)), Run));
    }

    [Fact]
    public void A_turn_scheduled_by_a_deferred_turn_runs_after_the_others_in_the_same_batch_up_to_the_bound()
    {
        var lease = new ReaderLease();
        var ran = new List<string>();
        int rescheduled = 0, refused = 0;
        Turn? again = null;
        again = new Turn(() =>
        {
            ran.Add("again");
            if (lease.TryDefer(again!, Run)) // as a mailbox whose throughput ran out with messages left
                rescheduled++;
            else
                refused++;
        });
        lease.BeginBatch();
        Assert.True(lease.TryDefer(again, Run));
        Assert.True(lease.TryDefer(new Turn(() => ran.Add("other")), Run));
        lease.EndBatch();
        Assert.Equal(ReaderLease.MaxRescheduledPerBatch, rescheduled);
        Assert.Equal(1, refused); // past the bound it goes to the thread pool (its executor's business)
        Assert.Equal(["again", "other"], ran.Take(2));
        Assert.Equal(ReaderLease.MaxRescheduledPerBatch + 2, ran.Count);

        // The bound is per batch: the next one starts afresh.
        rescheduled = refused = 0;
        ran.Clear();
        lease.BeginBatch();
        Assert.True(lease.TryDefer(again, Run));
        lease.EndBatch();
        Assert.Equal(ReaderLease.MaxRescheduledPerBatch, rescheduled);
        Assert.Equal(1, refused);
    }

    private static void Run(IThreadPoolWorkItem turn) => turn.Execute();

    private sealed class Turn(Action action) : IThreadPoolWorkItem
    {
        public void Execute() => action();
    }
}
