namespace Shm.Actors.Internal;

/// <summary>Resolves the sender used by <c>Tell(message)</c> without an explicit one.</summary>
internal static class ImplicitSender
{
    // Set by a TestKit for the test body's logical flow, so that Tell in a test replies to the test actor. An AsyncLocal,
    // not a thread static: xunit may continue a test on another thread after an await.
    private static readonly AsyncLocal<IActorRef?> s_fallback = new();

    public static IActorRef? Current => ActorCell.Current?.Self ?? s_fallback.Value;

    public static IActorRef? Fallback
    {
        get => s_fallback.Value;
        set => s_fallback.Value = value;
    }
}
