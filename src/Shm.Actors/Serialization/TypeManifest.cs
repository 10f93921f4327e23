using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Shm.Actors.Serialization;

/// <summary>
/// Version-free type names for manifests (<c>Shop.Order, Shop.Messages</c>; generic arguments are stripped too) and the way
/// back. Both directions are cached for the process: types are process-wide, so one cache serves every system. Names that
/// resolve to nothing are not cached, so garbage from the wire cannot grow the cache.
/// </summary>
internal static partial class TypeManifest
{
    private static readonly ConcurrentDictionary<Type, string> s_names = new();
    private static readonly ConcurrentDictionary<string, Type> s_types = new(StringComparer.Ordinal);

    /// <summary>The assembly-qualified name of <paramref name="type"/> without version, culture and public key token.</summary>
    public static string Of(Type type) => s_names.GetOrAdd(type, static t => StripVersion(t));

    /// <summary>The type named by <paramref name="manifest"/>.</summary>
    /// <exception cref="global::System.Runtime.Serialization.SerializationException">No such type is loadable in this process.</exception>
    public static Type Resolve(string manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        if (!TryResolve(manifest, out Type? type)) ThrowHelper.ThrowUnknownManifestType(manifest);
        return type;
    }

    /// <summary>The type named by <paramref name="manifest"/>, or false when it is not loadable in this process.</summary>
    public static bool TryResolve(string manifest, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Type? type)
    {
        if (s_types.TryGetValue(manifest, out type)) return true;
        type = Load(manifest);
        if (type is null) return false;
        type = s_types.GetOrAdd(manifest, type);
        return true;
    }

    private static Type? Load(string manifest)
    {
        if (manifest.Length == 0) return null;
        try
        {
            return Type.GetType(manifest, throwOnError: false);
        }
        catch (Exception e) when (e is ArgumentException or IOException or BadImageFormatException or TypeLoadException)
        {
            // A malformed name or an assembly that exists but cannot load: to the caller, the type is not available.
            return null;
        }
    }

    private static string StripVersion(Type type)
    {
        string name = type.AssemblyQualifiedName ?? type.FullName ?? type.Name;
        return VersionParts().Replace(name, "");
    }

    /// <summary>The parts of an assembly name that change between builds: <c>, Version=1.2.3.4</c>, <c>, Culture=…</c>, <c>, PublicKeyToken=…</c>.</summary>
    [GeneratedRegex(@", (?:Version|Culture|PublicKeyToken)=[^,\]]*", RegexOptions.CultureInvariant)]
    private static partial Regex VersionParts();
}
