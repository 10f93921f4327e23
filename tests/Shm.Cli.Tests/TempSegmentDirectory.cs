using Shm.Primitives;

namespace Shm.Cli.Tests;

/// <summary>
/// A fresh directory on tmpfs for one test's segments, so ls and gc see only what the test made (other tests and
/// engineers use /dev/shm at the same time). Disposing removes it with every segment in it.
/// </summary>
public sealed class TempSegmentDirectory : IDisposable
{
    public TempSegmentDirectory()
    {
        Root = Path.Combine("/dev/shm", "shmcli-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        Options = SegmentOptions.Default with { Directory = Root };
    }

    public string Root { get; }

    /// <summary>Options whose bare names land in <see cref="Root"/>.</summary>
    public SegmentOptions Options { get; }

    public string PathOf(string name) => System.IO.Path.Combine(Root, name);

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
