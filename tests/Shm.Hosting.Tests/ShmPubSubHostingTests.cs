using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shm.Primitives;
using Shm.Actors.PubSub;
using static Shm.Hosting.Tests.ShmRemotingHosts;

namespace Shm.Hosting.Tests;

public sealed class ShmPubSubHostingTests
{
    private static readonly TimeSpan s_timeout = ShmRemotingHosts.Timeout;

    /// <summary>An event type of the shared event stream.</summary>
    public sealed record PriceChanged(string Item, int Cents);

    /// <summary>Hands every message it gets to <paramref name="received"/>.</summary>
    private sealed class Collector : ReceiveActor
    {
        public Collector(Action<object> received) => ReceiveAny(received);
    }

    [Fact]
    public async Task A_publish_on_one_host_reaches_a_subscriber_on_another_through_a_ring_of_the_configured_geometry()
    {
        await using var hosts = new ShmRemotingHosts();
        IHost a = await hosts.StartAsync((akka, _) => akka
            .WithShmRemoting(shm => shm.HostName = "a")
            .WithShmPubSub(pubSub => { pubSub.TopicCapacity = 100; pubSub.MaxEventBytes = 2048; }));
        IHost b = await hosts.StartAsync((akka, _) => akka.WithShmRemoting(shm => shm.HostName = "b").WithShmPubSub());
        var received = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);

        // a subscribes first, so the ring is created with a's geometry; b's subscriber comes through Akka.Hosting's registry.
        IActorRef mediatorA = await a.Services.GetRequiredService<IRequiredActor<ShmPubSub>>().GetAsync();
        IActorRef mediatorB = await b.Services.GetRequiredService<IRequiredActor<ShmPubSub>>().GetAsync();
        Assert.Same(ShmPubSub.Get(SystemOf(b)).Mediator, mediatorB);
        await mediatorA.Ask<SubscribeAck>(new Subscribe("news", SystemOf(a).ActorOf(Props.Create<Collector>((Action<object>)(_ => { })))), s_timeout);
        IActorRef subscriber = SystemOf(b).ActorOf(Props.Create<Collector>((Action<object>)(message => received.TrySetResult(message))));
        await mediatorB.Ask<SubscribeAck>(new Subscribe("news", subscriber), s_timeout);

        mediatorA.Tell(new Publish("news", "extra! extra!"));

        Assert.Equal("extra! extra!", await received.Task.WaitAsync(s_timeout));
        using ShmBytePubSub ring = ShmBytePubSub.OpenExisting($"/dev/shm/{Shm.Actors.PubSub.TopicName.SegmentName(hosts.SystemName, "news")}");
        Assert.Equal(128, ring.Capacity); // 100 rounded up to a power of two
        Assert.Equal(2048, ring.MaxMessageBytes);
    }

    [Fact]
    public async Task Shared_event_types_cross_from_one_hosts_event_stream_to_anothers_from_the_start()
    {
        await using var hosts = new ShmRemotingHosts();
        var received = new TaskCompletionSource<PriceChanged>(TaskCreationOptions.RunContinuationsAsynchronously);
        IHost a = await hosts.StartAsync((akka, _) => akka
            .WithShmRemoting(shm => shm.HostName = "a")
            .WithShmPubSub(pubSub => pubSub.SharedEventTypes.Add(typeof(PriceChanged))));
        await hosts.StartAsync((akka, _) => akka
            .WithShmRemoting(shm => shm.HostName = "b")
            .WithShmPubSub(pubSub => pubSub.SharedEventTypes.Add(typeof(PriceChanged)))
            .WithActors((system, _) =>
            {
                // No code on b touches ShmPubSub: the host started it.
                IActorRef listener = system.ActorOf(Props.Create<Collector>((Action<object>)(message => received.TrySetResult((PriceChanged)message))));
                system.EventStream.Subscribe(listener, typeof(PriceChanged));
            }));

        // Published until seen: b's reader joins the ring at its start, and events before that are not its to see.
        using var deadline = new CancellationTokenSource(s_timeout);
        while (!received.Task.IsCompleted)
        {
            deadline.Token.ThrowIfCancellationRequested();
            SystemOf(a).EventStream.Publish(new PriceChanged("tea", 250));
            await Task.WhenAny(received.Task, Task.Delay(100, deadline.Token));
        }
        Assert.Equal(new PriceChanged("tea", 250), await received.Task);
        Assert.Contains(SystemOf(a).Settings.Config.GetStringList("akka.extensions"), name => name.StartsWith(typeof(ShmPubSubProvider).FullName + ","));
    }

    [Fact]
    public void The_options_become_the_akka_shm_pub_sub_block_the_extension_reads()
    {
        var options = new ShmPubSubOptions
        {
            TopicCapacity = 4096,
            MaxEventBytes = 512,
            Mode = ShmPubSubMode.Backpressure,
            PublishTimeout = TimeSpan.FromMilliseconds(1500),
            MaxPendingPerSubscriber = 100,
            SegmentDirectory = "/dev/shm/some \"quoted\" dir",
            SharedEventTypes = { typeof(PriceChanged), typeof(List<PriceChanged>) },
        };

        ShmPubSubSettings settings = ShmPubSubSettings.Read(NewBuilder().WithShmPubSub(options).Configuration.Value);

        Assert.Equal(4096, settings.Rings.TopicCapacity);
        Assert.Equal(512, settings.Rings.MaxEventBytes);
        Assert.Equal(ShmPubSubMode.Backpressure, settings.Rings.DefaultMode);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), settings.Rings.PublishTimeout);
        Assert.Equal(100, settings.Rings.MaxPendingPerSubscriber);
        Assert.Equal("/dev/shm/some \"quoted\" dir", settings.SegmentDirectory);
        Assert.Equal([typeof(PriceChanged), typeof(List<PriceChanged>)], settings.SharedEventTypes.Select(name => Type.GetType(name, throwOnError: true)));

        ShmPubSubSettings defaults = ShmPubSubSettings.Read(NewBuilder().WithShmPubSub().Configuration.Value);
        Assert.Equal(16_384, defaults.Rings.TopicCapacity);
        Assert.Equal(1024, defaults.Rings.MaxEventBytes);
        Assert.Equal(TimeSpan.FromSeconds(30), defaults.Rings.PublishTimeout);
        Assert.Equal(65_536, defaults.Rings.MaxPendingPerSubscriber);
        Assert.Equal(ShmPubSubMode.Overwrite, defaults.Rings.DefaultMode);
        Assert.Equal("/dev/shm", defaults.SegmentDirectory);
        Assert.Empty(defaults.SharedEventTypes);
        Assert.Equal(System.Threading.Timeout.InfiniteTimeSpan,
            ShmPubSubSettings.Read(NewBuilder().WithShmPubSub(o => o.PublishTimeout = System.Threading.Timeout.InfiniteTimeSpan).Configuration.Value).Rings.PublishTimeout);
    }

    [Theory]
    [InlineData(nameof(ShmPubSubOptions.TopicCapacity), "1", "'2'")]
    [InlineData(nameof(ShmPubSubOptions.TopicCapacity), "16777217", "'16777216'")]
    [InlineData(nameof(ShmPubSubOptions.MaxEventBytes), "63", "'64'")]
    [InlineData(nameof(ShmPubSubOptions.MaxEventBytes), "1048577", "'1048576'")]
    [InlineData(nameof(ShmPubSubOptions.PublishTimeout), "-00:00:01", "'00:00:00'")]
    [InlineData(nameof(ShmPubSubOptions.MaxPendingPerSubscriber), "0", "'1'")]
    [InlineData(nameof(ShmPubSubOptions.Mode), "7", "Overwrite or Backpressure")]
    public void A_setting_out_of_range_is_refused_naming_it_the_value_and_the_limit(string name, string value, string limit)
    {
        var options = new ShmPubSubOptions();
        switch (name)
        {
            case nameof(ShmPubSubOptions.TopicCapacity): options.TopicCapacity = long.Parse(value); break;
            case nameof(ShmPubSubOptions.MaxEventBytes): options.MaxEventBytes = int.Parse(value); break;
            case nameof(ShmPubSubOptions.PublishTimeout): options.PublishTimeout = TimeSpan.Parse(value); break;
            case nameof(ShmPubSubOptions.MaxPendingPerSubscriber): options.MaxPendingPerSubscriber = int.Parse(value); break;
            case nameof(ShmPubSubOptions.Mode): options.Mode = (ShmPubSubMode)int.Parse(value); break;
        }

        ArgumentOutOfRangeException error = Assert.Throws<ArgumentOutOfRangeException>(() => NewBuilder().WithShmPubSub(options));

        Assert.Equal(name, error.ParamName);
        Assert.Contains(value, error.Message);
        Assert.Contains(limit, error.Message);
    }

    [Fact]
    public void A_relative_directory_or_an_unusable_event_type_is_refused_saying_why()
    {
        ArgumentException relative = Assert.Throws<ArgumentException>("SegmentDirectory", () => NewBuilder().WithShmPubSub(o => o.SegmentDirectory = "shm"));
        Assert.Contains("'shm'", relative.Message);
        Assert.Contains("absolute", relative.Message);

        ArgumentException open = Assert.Throws<ArgumentException>("SharedEventTypes", () => NewBuilder().WithShmPubSub(o => o.SharedEventTypes.Add(typeof(List<>))));
        Assert.Contains("SharedEventTypes[0]", open.Message);
        Assert.Contains("open generic", open.Message);

        ArgumentException none = Assert.Throws<ArgumentException>("SharedEventTypes", () => NewBuilder().WithShmPubSub(o => o.SharedEventTypes.Add(null!)));
        Assert.Contains("SharedEventTypes[0] is null", none.Message);
    }

    [Fact]
    public void Arguments_are_checked()
    {
        Assert.Throws<ArgumentNullException>("builder", () => ((AkkaConfigurationBuilder)null!).WithShmPubSub());
        Assert.Throws<ArgumentNullException>("builder", () => ((AkkaConfigurationBuilder)null!).WithShmPubSub(new ShmPubSubOptions()));
        Assert.Throws<ArgumentNullException>("options", () => NewBuilder().WithShmPubSub((ShmPubSubOptions)null!));
    }

    private static AkkaConfigurationBuilder NewBuilder() => new(new ServiceCollection(), "builder-only");
}
