using Shm.Actors.Serialization;

namespace Shm.Actors.Tests.Serialization;

public sealed class ExceptionSerializerSpec : ActorSpec
{
    [Fact]
    public void Status_failure_keeps_the_exception_type_message_and_inner_exception()
    {
        var failure = new Status.Failure(new InvalidOperationException("boom", new ArgumentException("bad argument")));

        object back = Sys.RoundTrip(failure, out int serializerId, out _);

        Assert.Equal(102, serializerId);
        var cause = Assert.IsType<InvalidOperationException>(Assert.IsType<Status.Failure>(back).Cause);
        Assert.Equal("boom", cause.Message);
        Assert.Equal("bad argument", Assert.IsType<ArgumentException>(cause.InnerException).Message);
    }

    [Fact]
    public void Status_failure_state_round_trips_through_its_own_serializer()
    {
        var failure = new Status.Failure(new TimeoutException("late"), new Order(1, "book", 2m));

        var back = Assert.IsType<Status.Failure>(Sys.RoundTrip(failure));

        Assert.Equal(new Order(1, "book", 2m), back.State);
        Assert.IsType<TimeoutException>(back.Cause);
    }

    [Fact]
    public void Status_success_keeps_the_type_of_its_result()
    {
        Assert.Equal(42, Assert.IsType<Status.Success>(Sys.RoundTrip(new Status.Success(42))).Status);
        Assert.Equal(new Order(2, "pen", 1m), Assert.IsType<Status.Success>(Sys.RoundTrip(new Status.Success(new Order(2, "pen", 1m)))).Status);
        Assert.Null(Assert.IsType<Status.Success>(Sys.RoundTrip(new Status.Success(null))).Status);
    }

    [Fact]
    public void A_truncated_exception_payload_is_a_clear_error()
    {
        var e = Assert.Throws<System.Runtime.Serialization.SerializationException>(() => Sys.Serialization.Deserialize([1, 2, 3, 4, 5], 102, "E"));

        Assert.Contains("truncated", e.Message);
    }

    [Fact]
    public void Exception_types_of_the_application_come_back_as_themselves()
    {
        var back = Assert.IsType<OutOfStockException>(Sys.RoundTrip(new OutOfStockException("no books")));

        Assert.Equal("no books", back.Message);
    }

    [Fact]
    public void The_senders_stack_trace_is_kept_as_the_remote_part()
    {
        Exception thrown;
        try
        {
            throw new OutOfStockException("thrown");
        }
        catch (OutOfStockException e)
        {
            thrown = e;
        }

        var back = Assert.IsType<OutOfStockException>(Sys.RoundTrip(thrown));

        Assert.Contains(nameof(The_senders_stack_trace_is_kept_as_the_remote_part), back.StackTrace);
    }

    [Fact]
    public void An_exception_without_a_message_constructor_becomes_a_RemoteException()
    {
        var back = Assert.IsType<RemoteException>(Sys.RoundTrip(new CodeOnlyException(7)));

        Assert.Equal("failed with code 7", back.Message);
        Assert.Equal("Shm.Actors.Tests.Serialization.CodeOnlyException, Shm.Actors.Tests", back.OriginalTypeName);
        Assert.Contains("[Shm.Actors.Tests.Serialization.CodeOnlyException, Shm.Actors.Tests]", back.ToString());
    }

    [Fact]
    public void An_exception_type_missing_here_becomes_a_RemoteException_and_travels_on_unchanged()
    {
        var missing = new RemoteException("Gone.OutOfPaperException, Gone", "no paper", new FormatException("inner"));

        var back = Assert.IsType<RemoteException>(Assert.IsType<Status.Failure>(Sys.RoundTrip(new Status.Failure(missing))).Cause);

        Assert.Equal("Gone.OutOfPaperException, Gone", back.OriginalTypeName);
        Assert.Equal("no paper", back.Message);
        Assert.IsType<FormatException>(back.InnerException);
    }

    [Fact]
    public async Task An_ask_answered_by_a_deserialized_failure_faults_with_the_original_type()
    {
        IActorRef failing = Sys.ActorOf(Props.Create(() => new FailingReplier(Sys)));

        await Assert.ThrowsAsync<OutOfStockException>(() => failing.Ask<object>("order", TimeSpan.FromSeconds(3)));
    }

    /// <summary>Replies with a Status.Failure that went through serialization, as a remote actor's reply would.</summary>
    private sealed class FailingReplier : ReceiveActor
    {
        public FailingReplier(ActorSystem system) =>
            ReceiveAny(_ => Sender.Tell(system.RoundTrip(new Status.Failure(new OutOfStockException("sold out")))));
    }
}
