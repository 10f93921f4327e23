namespace Shm.Actors.Tests;

/// <summary>
/// Base of the runtime's own specs. Inside namespace Shm.*, the simple name "TestKit" would bind to the namespace
/// Shm.TestKit, so the specs name the base class once here (user code outside Shm writes ": TestKit").
/// </summary>
public abstract class ActorSpec : Shm.TestKit.Xunit2.TestKit
{
    protected ActorSpec(ITestOutputHelper? output = null) : base(output: output) { }

    protected ActorSpec(ActorSystemSettings settings, ITestOutputHelper? output = null) : base(settings, output: output) { }
}
