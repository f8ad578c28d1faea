using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PosBridge.Core.Sales;

/// <summary>The outcome of reading a sale document: the sale, or every reason it was refused.</summary>
public sealed class SaleParseResult
{
    private SaleParseResult(Sale? sale, IReadOnlyList<ValidationError> errors)
    {
        Sale = sale;
        Errors = errors;
    }

    public Sale? Sale { get; }

    public IReadOnlyList<ValidationError> Errors { get; }

    [MemberNotNullWhen(true, nameof(Sale))]
    public bool IsValid => Sale is not null && Errors.Count == 0;

    internal static SaleParseResult Ok(Sale sale) => new(sale, []);

    internal static SaleParseResult Failed(IReadOnlyList<ValidationError> errors, Sale? sale = null) => new(sale, errors);

    public override string ToString() => IsValid ? "valid" : string.Join(Environment.NewLine, Errors);
}

/// <summary>
/// JSON for the sale document. Numbers are read straight into <see cref="decimal"/> and written with
/// the digits they were given (1.50 stays 1.50), so a document round-trips exactly; unknown or repeated
/// fields, missing required fields, numbers in strings and nulls where a value is required are refused.
/// </summary>
public static partial class SaleJson
{
    /// <summary>Options shared by every PosBridge reader and writer of sale documents.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public static string Serialize(Sale sale) => JsonSerializer.Serialize(sale, Options);

    public static byte[] SerializeToUtf8Bytes(Sale sale) => JsonSerializer.SerializeToUtf8Bytes(sale, Options);

    /// <summary>Reads one document and validates it as a whole.</summary>
    public static SaleParseResult Parse(string json, RefundHistory? refundHistory = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        Sale? sale;
        try
        {
            sale = JsonSerializer.Deserialize<Sale>(json, Options);
        }
        catch (JsonException ex)
        {
            return SaleParseResult.Failed([Describe(ex)]);
        }

        if (sale is null)
        {
            return SaleParseResult.Failed([new ValidationError("$", "the document is null; send a sale object.")]);
        }

        var validation = sale.Validate(refundHistory);
        return validation.IsValid ? SaleParseResult.Ok(sale) : SaleParseResult.Failed(validation.Errors, sale);
    }

    /// <summary>Turns a serializer failure into the field it concerns and a sentence a person can act on.</summary>
    public static ValidationError Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var path = exception.Path is null or "$" ? "$" : exception.Path.StartsWith("$.", StringComparison.Ordinal) ? exception.Path[2..] : exception.Path;
        var message = exception.Message;

        var unmapped = UnmappedProperty().Match(message);
        if (unmapped.Success)
        {
            var name = unmapped.Groups[1].Value;
            var field = path.EndsWith(name, StringComparison.Ordinal) ? path : Join(path, name);
            return new ValidationError(field, "is not a field of this document version; remove it or upgrade the reader.");
        }

        var missing = MissingRequired().Match(message);
        if (missing.Success)
        {
            var names = missing.Groups[1].Value.Replace("'", string.Empty, StringComparison.Ordinal);
            return new ValidationError(path, $"required field(s) missing: {names}.");
        }

        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return new ValidationError(path, "appears twice; each field may be given once.");
        }

        if (message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase))
        {
            return new ValidationError(path, "is null but a value is required.");
        }

        if (exception.InnerException is FormatException or OverflowException || message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return new ValidationError(path, "has a value of the wrong type or format (numbers are plain JSON numbers, enums are names such as \"cash\").");
        }

        // The serializer's own wording, minus the type names and positions meant for developers.
        var plain = message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].Trim();
        return new ValidationError(path, plain.Length > 0 ? plain : "is not valid JSON.");
    }

    private static string Join(string path, string name) => path == "$" ? name : $"{path}.{name}";

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            // Source-generated metadata: several times faster to read than reflection, same rules.
            TypeInfoResolver = SaleJsonContext.Default,
            PropertyNameCaseInsensitive = false,
            NumberHandling = JsonNumberHandling.Strict,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            RespectRequiredConstructorParameters = true,
            AllowDuplicateProperties = false,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            WriteIndented = false,
            // Sale documents are never embedded in HTML: keep "+02:00" and Arabic names readable.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new UtcOffsetConverter());
        options.Converters.Add(new InstantConverter());
        options.MakeReadOnly();
        return options;
    }

    [GeneratedRegex("The JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedProperty();

    [GeneratedRegex("missing required properties,? including:? (.+?)\\.?( Path|$)")]
    private static partial Regex MissingRequired();

    /// <summary>
    /// An instant with its date, time and offset all given ("2026-12-04T10:15:00Z", "…+02:00"): a bare date or a
    /// time without an offset would be read in the reader's own time zone, so neither is taken. Written as before.
    /// </summary>
    private sealed class InstantConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
            if (text is not null
                && InstantPattern().IsMatch(text)
                && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var value))
            {
                return value;
            }

            throw new JsonException(text is null
                ? "must be a date and time with its offset as a string, such as \"2026-12-04T10:15:00Z\"."
                : "must be a date and time with its offset, such as \"2026-12-04T10:15:00Z\" (a bare date, a time without an offset or an impossible date is not taken).");
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            writer.WriteStringValue(value);
        }
    }

    [GeneratedRegex("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})$")]
    private static partial Regex InstantPattern();

    /// <summary>A UTC offset as ISO 8601 writes it: "+02:00", "-03:30".</summary>
    private sealed class UtcOffsetConverter : JsonConverter<TimeSpan>
    {
        public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var text = reader.GetString();
            if (text is { Length: 6 } && (text[0] == '+' || text[0] == '-') && text[3] == ':'
                && int.TryParse(text.AsSpan(1, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var hours)
                && int.TryParse(text.AsSpan(4, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var minutes)
                && minutes < 60)
            {
                var offset = new TimeSpan(hours, minutes, 0);
                return text[0] == '-' ? -offset : offset;
            }

            throw new JsonException($"'{text}' is not a UTC offset such as \"+02:00\" or \"-03:30\".");
        }

        public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options)
        {
            ArgumentNullException.ThrowIfNull(writer);
            var sign = value < TimeSpan.Zero ? '-' : '+';
            var abs = value.Duration();
            writer.WriteStringValue(string.Create(CultureInfo.InvariantCulture, $"{sign}{(int)abs.TotalHours:00}:{abs.Minutes:00}"));
        }
    }
}

[JsonSerializable(typeof(Sale))]
internal sealed partial class SaleJsonContext : JsonSerializerContext;
