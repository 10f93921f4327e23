using System.Text;

namespace Shm.Actors;

/// <summary>
/// Where an actor system lives: a protocol, the system's name and, for systems reachable from other processes, a node
/// (host) and optional port. Local systems print as <c>shm://Sys</c>; a node adds <c>@node</c> (<c>shm://Sys@node1</c>), which is
/// the form the shared-memory transport resolves. Immutable and compared by value.
/// </summary>
public sealed class Address : IEquatable<Address>
{
    /// <summary>The protocol of local in-process systems.</summary>
    public const string LocalProtocol = "shm";

    private string? _text;

    /// <summary>Creates an address.</summary>
    /// <param name="protocol">The scheme, e.g. <c>shm</c>.</param>
    /// <param name="system">The actor system's name.</param>
    /// <param name="host">The node or host, or null for a purely local address.</param>
    /// <param name="port">The port, or null when the transport does not use one.</param>
    public Address(string protocol, string system, string? host = null, int? port = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(protocol);
        ArgumentException.ThrowIfNullOrEmpty(system);
        Protocol = protocol;
        System = system;
        Host = host;
        Port = port;
    }

    /// <summary>The scheme, e.g. <c>shm</c>.</summary>
    public string Protocol { get; }

    /// <summary>The name of the actor system.</summary>
    public string System { get; }

    /// <summary>The node or host part; null for an address that is only meaningful inside its own process.</summary>
    public string? Host { get; }

    /// <summary>The port part, or null.</summary>
    public int? Port { get; }

    /// <summary>True when the address has no host, i.e. it names a system in this process only.</summary>
    public bool HasLocalScope => Host is null;

    /// <summary>Parses <c>protocol://system[@host[:port]]</c>.</summary>
    /// <exception cref="FormatException">The text is not an address.</exception>
    public static Address Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!TryParse(text, out Address? address, out _))
            ThrowHelper.ThrowInvalidAddress(text);
        return address;
    }

    /// <summary>Tries to parse the address at the start of <paramref name="text"/>; <paramref name="consumed"/> is its length.</summary>
    internal static bool TryParse(string text, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Address? address, out int consumed)
    {
        address = null;
        consumed = 0;
        int scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0) return false;
        int start = scheme + 3;
        int end = text.IndexOf('/', start);
        if (end < 0) end = text.Length;
        string authority = text[start..end];
        string system = authority;
        string? host = null;
        int? port = null;
        int at = authority.IndexOf('@');
        if (at >= 0)
        {
            system = authority[..at];
            host = authority[(at + 1)..];
            int colon = host.LastIndexOf(':');
            if (colon >= 0)
            {
                if (!int.TryParse(host.AsSpan(colon + 1), out int p)) return false;
                port = p;
                host = host[..colon];
            }
            if (host.Length == 0) return false;
        }
        if (system.Length == 0) return false;
        address = new Address(text[..scheme], system, host, port);
        consumed = end;
        return true;
    }

    /// <inheritdoc />
    public bool Equals(Address? other) =>
        other is not null && Protocol == other.Protocol && System == other.System && Host == other.Host && Port == other.Port;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Address);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Protocol, System, Host, Port);

    /// <summary>Value equality.</summary>
    public static bool operator ==(Address? left, Address? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Value inequality.</summary>
    public static bool operator !=(Address? left, Address? right) => !(left == right);

    /// <summary>The address as <c>protocol://system[@host[:port]]</c>.</summary>
    public override string ToString()
    {
        if (_text is not null) return _text;
        var sb = new StringBuilder().Append(Protocol).Append("://").Append(System);
        if (Host is not null) sb.Append('@').Append(Host);
        if (Port is not null) sb.Append(':').Append(Port.Value);
        return _text = sb.ToString();
    }
}
