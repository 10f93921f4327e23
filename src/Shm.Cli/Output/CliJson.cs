using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shm.Cli.Output;

/// <summary>How every command writes --json: snake_case names (like the metric names), enums as strings, nulls left out.</summary>
internal static class CliJson
{
    public static readonly JsonSerializerOptions Indented = Create(indented: true);

    /// <summary>One object per line, for watch's stream.</summary>
    public static readonly JsonSerializerOptions Lines = Create(indented: false);

    public static void Write<T>(TextWriter output, T value, bool indented = true) =>
        output.WriteLine(JsonSerializer.Serialize(value, indented ? Indented : Lines));

    private static JsonSerializerOptions Create(bool indented) => new()
    {
        WriteIndented = indented,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        // Paths and messages are shown to people: keep '/' and quotes readable rather than \u-escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };
}
