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
}
