using Shm.Transport.Driver;

namespace Shm.Transport.Tests;

/// <summary>The lease of a transport reader thread: what its watchdog may revoke, and what the holder learns.</summary>
public sealed class ReaderLeaseTests
{
    [Fact]
    public void Deliveries_that_end_between_checks_are_never_revoked()
    {
        var lease = new ReaderLease();
        long seen = 0;
        for (int i = 0; i < 5; i++)
        {
            lease.BeginDelivery();
            Assert.False(lease.RevokeIfStuck(ref seen)); // first sight of this delivery
            Assert.True(lease.EndDelivery());
            Assert.False(lease.RevokeIfStuck(ref seen)); // between deliveries
        }
        Assert.False(lease.TryRevokeDelivery()); // nothing running
        lease.BeginDelivery();
        Assert.True(lease.EndDelivery());
    }

    [Fact]
    public void A_delivery_seen_running_at_two_checks_is_revoked_and_its_holder_learns_it_when_it_ends()
    {
        var lease = new ReaderLease();
        long seen = 0;
        lease.BeginDelivery();
        Assert.True(lease.EndDelivery());
        lease.BeginDelivery();
        Assert.False(lease.RevokeIfStuck(ref seen));
        Assert.True(lease.RevokeIfStuck(ref seen));
        Assert.False(lease.RevokeIfStuck(ref seen)); // revoked once
        Assert.False(lease.EndDelivery());
        lease.BeginDelivery(); // a holder that missed it stays revoked
        Assert.False(lease.EndDelivery());
    }

    [Fact]
    public void A_running_delivery_can_be_revoked_at_once_and_then_never_ends_as_held()
    {
        var lease = new ReaderLease();
        lease.BeginDelivery();
        Assert.True(lease.TryRevokeDelivery());
        Assert.False(lease.TryRevokeDelivery());
        Assert.False(lease.EndDelivery());
    }

    [Fact]
    public void A_holder_ending_and_a_watchdog_revoking_at_the_same_moment_agree_on_one_outcome()
    {
        for (int round = 0; round < 300; round++)
        {
            var lease = new ReaderLease();
            lease.BeginDelivery();
            bool ended = false;
            using var start = new Barrier(2);
            var holder = new Thread(() =>
            {
                start.SignalAndWait();
                ended = lease.EndDelivery();
            });
            holder.Start();
            start.SignalAndWait();
            bool revoked = lease.TryRevokeDelivery();
            holder.Join();
            Assert.True(ended != revoked, $"round {round}: ended {ended}, revoked {revoked}");
        }
    }
}
