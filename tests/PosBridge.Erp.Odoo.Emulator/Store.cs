using System.Globalization;
using System.Text.RegularExpressions;
using Newtonsoft.Json.Linq;

namespace PosBridge.Erp.Odoo.Emulator;

/// <summary>Field types the emulator's models use; values are stored raw (ids, lists of ids, text, numbers).</summary>
public enum FieldType
{
    Char,
    Text,
    Integer,
    Float,
    Boolean,
    Datetime,
    Selection,
    Many2One,
    X2Many,
}

/// <summary>A field; a one2many names the <see cref="Inverse"/> many2one its created records point back with.</summary>
public sealed record Field(string Name, FieldType Type, string? Target = null, string? Inverse = null);

/// <summary>An Odoo error as the server raises it: the emulator answers it in Odoo's error envelope.</summary>
public sealed class OdooFault(string name, string message) : Exception(message)
{
    public string Name { get; } = name;

    public static OdooFault Validation(string message) => new("odoo.exceptions.ValidationError", message);

    public static OdooFault User(string message) => new("odoo.exceptions.UserError", message);

    public static OdooFault Value(string message) => new("builtins.ValueError", message);

    public static OdooFault Missing(string message) => new("odoo.exceptions.MissingError", message);
}

/// <summary>One model's fields and records, with Odoo's ordering and domain rules for the subset we use.</summary>
public sealed class Model
{
    private readonly Dictionary<string, Field> _fields = new(StringComparer.Ordinal);
    private long _nextId = 1;

    public Model(string name, params Field[] fields)
    {
        Name = name;
        Add(new Field("id", FieldType.Integer));
        Add(new Field("display_name", FieldType.Char));
        Add(new Field("write_date", FieldType.Datetime));
        Add(new Field("create_date", FieldType.Datetime));
        foreach (var field in fields)
        {
            Add(field);
        }
    }

    public string Name { get; }

    public SortedDictionary<long, JObject> Records { get; } = [];

    public IReadOnlyDictionary<string, Field> Fields => _fields;

    public void Add(Field field) => _fields[field.Name] = field;

    public Field FieldOf(string name) =>
        _fields.TryGetValue(name, out var field) ? field : throw OdooFault.Value($"Invalid field '{name}' on model '{Name}'");

    public long NextId() => _nextId++;

    public void Bump(long id) => _nextId = Math.Max(_nextId, id + 1);

    public JObject Get(long id) =>
        Records.TryGetValue(id, out var record) ? record : throw OdooFault.Missing($"Record does not exist or has been deleted.\n(Record: {Name}({id},), User: 2)");
}

/// <summary>All models, and the undo log that makes each call one transaction.</summary>
public sealed class Store
{
    private readonly Dictionary<string, Model> _models = new(StringComparer.Ordinal);
    private List<(Model Model, long Id, JObject? Before)>? _undo;

    public Func<DateTimeOffset> Clock { get; set; } = () => DateTimeOffset.UnixEpoch;

    /// <summary>Called after every record is created (Odoo's computed fields and overrides of <c>create</c>).</summary>
    public Action<string, long>? AfterCreate { get; set; }

    public Model this[string name] =>
        _models.TryGetValue(name, out var model) ? model : throw new OdooFault("builtins.KeyError", $"'{name}'");

    public bool Has(string name) => _models.ContainsKey(name);

    public void Define(Model model) => _models[model.Name] = model;

    public string Now() => Clock().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Runs <paramref name="action"/> as one transaction: on any exception every change is undone.</summary>
    public T Transaction<T>(Func<T> action)
    {
        var undo = new List<(Model Model, long Id, JObject? Before)>();
        _undo = undo;
        try
        {
            var result = action();
            _undo = null;
            return result;
        }
        catch
        {
            for (var i = undo.Count - 1; i >= 0; i--)
            {
                var (model, id, before) = undo[i];
                if (before is null)
                {
                    model.Records.Remove(id);
                }
                else
                {
                    model.Records[id] = before;
                }
            }

            _undo = null;
            throw;
        }
    }

    public long Create(string modelName, JObject values)
    {
        var model = this[modelName];
        var record = new JObject();
        foreach (var field in model.Fields.Values)
        {
            record[field.Name] = field.Type switch
            {
                FieldType.X2Many => new JArray(),
                FieldType.Boolean => field.Name == "active", // Odoo's records are active unless archived
                FieldType.Integer or FieldType.Float => 0,
                _ => JValue.CreateNull(),
            };
        }

        long id;
        if (values["id"] is { Type: JTokenType.Integer } fixedId)
        {
            id = fixedId.Value<long>();
            model.Bump(id);
        }
        else
        {
            id = model.NextId();
        }

        record["id"] = id;
        record["create_date"] = Now();
        model.Records[id] = record;
        _undo?.Add((model, id, null));
        Assign(model, record, values);
        AfterCreate?.Invoke(modelName, id);
        return id;
    }

    public void Write(string modelName, long id, JObject values)
    {
        var model = this[modelName];
        var record = model.Get(id);
        _undo?.Add((model, id, (JObject)record.DeepClone()));
        Assign(model, record, values);
    }

    private void Assign(Model model, JObject record, JObject values)
    {
        foreach (var (name, value) in values)
        {
            if (name == "id")
            {
                continue;
            }

            var field = model.FieldOf(name);
            record[name] = field.Type switch
            {
                FieldType.Many2One => IsFalse(value) ? JValue.CreateNull() : CheckTarget(field, value!.Type == JTokenType.Array ? value[0]!.Value<long>() : value!.Value<long>()),
                FieldType.X2Many => Commands(field, record["id"]!.Value<long>(), (JArray)record[name]!, value),
                FieldType.Boolean => value?.Type == JTokenType.Boolean && value.Value<bool>(),
                _ when IsFalse(value) && field.Type is not (FieldType.Integer or FieldType.Float) => JValue.CreateNull(),
                _ => value?.DeepClone() ?? JValue.CreateNull(),
            };
        }

        record["write_date"] = Now();
        if (model.Fields.ContainsKey("name") && record["name"] is { Type: JTokenType.String } n)
        {
            record["display_name"] = n;
        }
    }

    private JToken CheckTarget(Field field, long id)
    {
        if (field.Target is not null && Has(field.Target) && !this[field.Target].Records.ContainsKey(id))
        {
            // What PostgreSQL's foreign key answers, as Odoo words it.
            throw OdooFault.Validation($"The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: {field.Target}, Field: {field.Name} (id {id} does not exist)");
        }

        return id;
    }

    /// <summary>x2many commands: [0,0,vals] create, [4,id] link, [5] clear, [6,0,ids] replace; bare id lists replace.</summary>
    private JArray Commands(Field field, long ownerId, JArray current, JToken? value)
    {
        var ids = current.Select(t => t.Value<long>()).ToList();
        if (IsFalse(value))
        {
            return [];
        }

        foreach (var command in (JArray)value!)
        {
            if (command.Type == JTokenType.Integer)
            {
                ids = [.. ((JArray)value).Select(t => CheckTarget(field, t.Value<long>()).Value<long>())];
                break;
            }

            var parts = (JArray)command;
            switch (parts[0].Value<int>())
            {
                case 0:
                    var values = (JObject)parts[2].DeepClone();
                    if (field.Inverse is not null)
                    {
                        values[field.Inverse] = ownerId;
                    }

                    ids.Add(Create(field.Target!, values));
                    break;
                case 4:
                    ids.Add(CheckTarget(field, parts[1].Value<long>()).Value<long>());
                    break;
                case 5:
                    ids.Clear();
                    break;
                case 6:
                    ids = [.. ((JArray)parts[2]).Select(t => CheckTarget(field, t.Value<long>()).Value<long>())];
                    break;
                default:
                    throw OdooFault.Value($"The emulator does not implement x2many command {parts[0]}");
            }
        }

        return new JArray(ids);
    }

    /// <summary>A record as <c>read</c>/<c>search_read</c> answer it: unset as false, many2one as [id, name].</summary>
    public JObject Present(Model model, JObject record, IReadOnlyList<string>? fields, bool load = true)
    {
        var result = new JObject { ["id"] = record["id"] };
        foreach (var name in fields is { Count: > 0 } ? fields : [.. model.Fields.Keys])
        {
            var field = model.FieldOf(name);
            var value = record[name];
            result[name] = field.Type switch
            {
                FieldType.Many2One when IsFalse(value) => false,
                FieldType.Many2One when !load => value!.DeepClone(),
                FieldType.Many2One => new JArray(value!.Value<long>(), DisplayName(field.Target!, value!.Value<long>())),
                FieldType.Boolean => value?.Type == JTokenType.Boolean && value.Value<bool>(),
                FieldType.Integer or FieldType.Float => value?.DeepClone() ?? 0,
                _ when value is null || value.Type == JTokenType.Null => false,
                _ => value.DeepClone(),
            };
        }

        return result;
    }

    private string DisplayName(string target, long id) =>
        Has(target) && this[target].Records.TryGetValue(id, out var record) ? record["display_name"]?.Value<string>() ?? record["name"]?.Value<string>() ?? $"{target},{id}" : $"{target},{id}";

    /// <summary>Records matching a prefix-notation domain, ordered as <c>order</c> says (default: id).</summary>
    public List<JObject> Search(Model model, JToken? domain, string? order, int offset, int? limit, bool activeTest = true)
    {
        var terms = domain as JArray ?? [];
        var rows = model.Records.Values.Where(r => Matches(model, r, terms)).ToList();
        if (activeTest && model.Fields.ContainsKey("active") && !terms.OfType<JArray>().Any(t => t.Count == 3 && t[0].Value<string>() == "active"))
        {
            rows = [.. rows.Where(r => r["active"]?.Value<bool>() != false)];
        }

        IOrderedEnumerable<JObject>? sorted = null;
        foreach (var part in (order ?? "id").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var bits = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var name = bits[0];
            model.FieldOf(name);
            var descending = bits.Length > 1 && bits[1].Equals("desc", StringComparison.OrdinalIgnoreCase);
            Func<JObject, IComparable?> key = r => r[name] is JValue { Value: IComparable c } ? c : null;
            sorted = sorted is null
                ? descending ? rows.OrderByDescending(key, Comparer<IComparable?>.Default) : rows.OrderBy(key, Comparer<IComparable?>.Default)
                : descending ? sorted.ThenByDescending(key, Comparer<IComparable?>.Default) : sorted.ThenBy(key, Comparer<IComparable?>.Default);
        }

        IEnumerable<JObject> result = sorted ?? (IEnumerable<JObject>)rows;
        result = result.Skip(offset);
        return [.. limit is > 0 ? result.Take(limit.Value) : result];
    }

    private bool Matches(Model model, JObject record, JArray domain)
    {
        var position = 0;
        var result = true;
        while (position < domain.Count)
        {
            result &= Evaluate(model, record, domain, ref position);
        }

        return result;
    }

    private bool Evaluate(Model model, JObject record, JArray domain, ref int position)
    {
        var term = domain[position++];
        if (term.Type == JTokenType.String)
        {
            switch (term.Value<string>())
            {
                case "&":
                    return Evaluate(model, record, domain, ref position) & Evaluate(model, record, domain, ref position);
                case "|":
                    var left = Evaluate(model, record, domain, ref position);
                    var right = Evaluate(model, record, domain, ref position);
                    return left || right;
                case "!":
                    return !Evaluate(model, record, domain, ref position);
                default:
                    throw OdooFault.Value($"Invalid domain term {term}");
            }
        }

        if (term is not JArray { Count: 3 } leaf)
        {
            throw OdooFault.Value($"Invalid domain term {term}");
        }

        var name = leaf[0].Value<string>()!;
        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw OdooFault.Value($"The emulator does not implement dotted paths in domains ({name})");
        }

        var field = model.FieldOf(name);
        var op = leaf[1].Value<string>()!;
        var value = leaf[2];
        var actual = record[name];
        if (field.Type == FieldType.X2Many)
        {
            var ids = ((JArray)actual!).Select(t => t.Value<long>()).ToList();
            return op switch
            {
                "in" => ((JArray)value).Any(v => ids.Contains(v.Value<long>())),
                "=" => IsFalse(value) ? ids.Count == 0 : ids.Contains(value.Value<long>()),
                _ => throw OdooFault.Value($"The emulator does not implement '{op}' on x2many fields"),
            };
        }

        return op switch
        {
            "=" => Same(actual, value),
            "!=" => !Same(actual, value),
            "in" => ((JArray)value).Any(v => Same(actual, v)),
            "not in" => !((JArray)value).Any(v => Same(actual, v)),
            ">" => Compare(actual, value) > 0,
            ">=" => Compare(actual, value) >= 0,
            "<" => Compare(actual, value) < 0,
            "<=" => Compare(actual, value) <= 0,
            "like" => Like(actual, "%" + value.Value<string>() + "%", false),
            "ilike" => Like(actual, "%" + value.Value<string>() + "%", true),
            "=like" => Like(actual, value.Value<string>()!, false),
            "=ilike" => Like(actual, value.Value<string>()!, true),
            _ => throw OdooFault.Value($"Invalid leaf operator '{op}'"),
        };
    }

    private static bool Same(JToken? actual, JToken value)
    {
        if (IsFalse(value) && value.Type != JTokenType.Integer)
        {
            return IsFalse(actual);
        }

        if (IsFalse(actual))
        {
            return false;
        }

        return actual!.Type is JTokenType.Integer or JTokenType.Float && value.Type is JTokenType.Integer or JTokenType.Float
            ? actual.Value<decimal>() == value.Value<decimal>()
            : JToken.DeepEquals(actual, value);
    }

    private static int Compare(JToken? actual, JToken value)
    {
        if (IsFalse(actual))
        {
            return -1;
        }

        return actual!.Type is JTokenType.Integer or JTokenType.Float
            ? actual.Value<decimal>().CompareTo(value.Value<decimal>())
            : string.CompareOrdinal(actual.Value<string>(), value.Value<string>());
    }

    private static bool Like(JToken? actual, string pattern, bool ignoreCase)
    {
        if (IsFalse(actual))
        {
            return false;
        }

        var regex = "^" + Regex.Escape(pattern).Replace("%", ".*", StringComparison.Ordinal).Replace("_", ".", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(actual!.Value<string>() ?? string.Empty, regex, (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None) | RegexOptions.Singleline, TimeSpan.FromSeconds(1));
    }

    public static bool IsFalse(JToken? value) =>
        value is null || value.Type is JTokenType.Null or JTokenType.Undefined || (value.Type == JTokenType.Boolean && !value.Value<bool>());
}
