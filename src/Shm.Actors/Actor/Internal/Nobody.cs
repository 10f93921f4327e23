namespace Shm.Actors.Internal;

/// <summary><see cref="ActorRefs.Nobody"/>: drops everything, answers Watch with Terminated so watching it does not hang.</summary>
internal sealed class Nobody : MinimalActorRef
{
    public static readonly Nobody Instance = new();

    private static readonly ActorPath s_path = ActorPath.Root(new Address(Address.LocalProtocol, "all-systems")) / "Nobody";

    private Nobody() { }

    public override ActorPath Path => s_path;

    public override bool IsTerminated => true;

    public override void SendSystemMessage(SystemMessage message)
    {
        if (message is Watch w && w.Watcher is InternalActorRef watcher)
            watcher.SendSystemMessage(new DeathWatchNotification(this, existenceConfirmed: false, addressTerminated: false));
    }

    public override string ToString() => "Nobody";
}
