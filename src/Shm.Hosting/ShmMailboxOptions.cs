using System.Globalization;
using Akka.Configuration;
using Shm.Actors.Mailboxes;

namespace Shm.Hosting;

/// <summary>
/// The settings of one shared-memory mailbox (<see cref="ShmMailboxType"/>) as <c>WithShmMailbox</c> declares it:
/// the ring each actor deployed with the mailbox gets. Plain settable properties, read once by <c>WithShmMailbox</c>.
/// </summary>
/// <remarks>
/// Geometry applies when a ring is created; a ring that already exists (left by an earlier actor at the same path,
/// for instance one killed with its process) keeps the geometry it was created with.
/// </remarks>
public sealed class ShmMailboxOptions
{
    /// <summary>The mailbox id <c>WithShmMailbox</c> uses when none is given: <c>shm-mailbox</c>.</summary>
    public const string DefaultMailboxId = "shm-mailbox";

    /// <summary>The fewest messages a mailbox ring holds (<see cref="ShmMailboxType.MinCapacity"/>).</summary>
    public const long MinCapacity = ShmMailboxType.MinCapacity;

    /// <summary>The most messages a mailbox ring holds (<see cref="ShmMailboxType.MaxCapacity"/>, 4,194,304).</summary>
    public const long MaxCapacity = ShmMailboxType.MaxCapacity;

    /// <summary>The smallest payload arena a ring may be given explicitly (4 KiB).</summary>
    public const long MinArenaBytes = 4096;

    /// <summary>The largest payload arena (<see cref="Shm.Primitives.ShmByteQueue.MaxArenaBytes"/>, 4 GiB).</summary>
    public const long MaxArenaBytes = Shm.Primitives.ShmByteQueue.MaxArenaBytes;

    /// <summary>
    /// Messages each actor's ring holds, <see cref="MinCapacity"/> to <see cref="MaxCapacity"/>, rounded up to a power of
    /// two. When the ring is full, further messages to the actor become dead letters. Default 8192.
    /// </summary>
    public long Capacity { get; set; } = 8192;

    /// <summary>
    /// Bytes of each ring's payload arena (the serialized messages), <see cref="MinArenaBytes"/> to
    /// <see cref="MaxArenaBytes"/>; 0, the default, gives 64 bytes a message (at least 4 KiB).
    /// </summary>
    public long ArenaBytes { get; set; }

    /// <summary>The mailbox's HOCON block at <paramref name="mailboxId"/>, after checking every setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of range; the message names it, the value and the limit.</exception>
    internal Config ToConfig(string mailboxId)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Capacity, MinCapacity, nameof(Capacity));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Capacity, MaxCapacity, nameof(Capacity));
        if (ArenaBytes != 0)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(ArenaBytes, MinArenaBytes, nameof(ArenaBytes));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(ArenaBytes, MaxArenaBytes, nameof(ArenaBytes));
        }
        return ConfigurationFactory.ParseString(string.Create(CultureInfo.InvariantCulture, $$"""
            {{mailboxId}} {
              mailbox-type = "{{ShmMailboxType.TypeName}}"
              capacity = {{Capacity}}
              arena-bytes = {{ArenaBytes}}
            }
            """));
    }
}
