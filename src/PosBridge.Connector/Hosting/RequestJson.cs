using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using PosBridge.Core.Sales;

namespace PosBridge.Connector.Hosting;

/// <summary>
/// Reads a request body as JSON the way every endpoint answers the same: not UTF-8 → <c>invalid-encoding</c>,
/// not JSON → <c>malformed-json</c> (with where), JSON of the wrong shape → <c>invalid-request</c> naming the field.
/// No message carries a .NET type name or the serializer's own wording.
/// </summary>
internal static class RequestJson
{
    public static (T? Value, IResult? Problem) Read<T>(byte[] body, string shape)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(body);
        if (CheckText(body) is { } problem)
        {
            return (null, problem);
        }

        T? value;
        try
        {
            value = JsonSerializer.Deserialize<T>(body, TerminalApi.Json);
        }
        catch (JsonException ex)
        {
            var error = SaleJson.Describe(ex);
            return (null, Problems.InvalidRequest($"{(error.Field == "$" ? "The body" : error.Field)} {error.Message} Send {shape}."));
        }

        return value is null ? (null, Problems.InvalidRequest($"The body is null; send {shape}.")) : (value, null);
    }

    /// <summary>Null when <paramref name="body"/> is UTF-8 JSON; otherwise the problem to answer with.</summary>
    public static IResult? CheckText(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
        {
            return Problems.InvalidEncoding(FirstInvalidByte(body));
        }

        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
        try
        {
            while (reader.Read())
            {
            }
        }
        catch (JsonException ex)
        {
            return Problems.MalformedJson(Where(ex));
        }

        return null;
    }

    /// <summary>"at line 3, character 14" for a person to look at, without the reader's own wording.</summary>
    public static string Where(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        return exception.LineNumber is { } line
            ? string.Create(CultureInfo.InvariantCulture, $"The JSON breaks off or has a mistake at line {line + 1}, byte {(exception.BytePositionInLine ?? 0) + 1}: check quotes, commas and brackets there.")
            : "The JSON breaks off or has a mistake: check quotes, commas and brackets.";
    }

    private static int FirstInvalidByte(ReadOnlySpan<byte> body)
    {
        var status = System.Text.Unicode.Utf8.ToUtf16(body, new char[body.Length], out var read, out _, replaceInvalidSequences: false);
        return status == System.Buffers.OperationStatus.Done ? body.Length : read;
    }
}
