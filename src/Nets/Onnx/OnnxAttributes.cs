using System.Text;
using Onnx;

namespace DeepVis.Nets.Onnx;

/// <summary>A node's attributes by name, typed; an attribute of the wrong type is an error naming it.</summary>
internal sealed class OnnxAttributes(NodeProto node, string modelFolder)
{
    private readonly Dictionary<string, AttributeProto> _byName = node.Attribute.GroupBy(a => a.Name).ToDictionary(g => g.Key, g => g.Last());

    public bool Has(string name) => _byName.ContainsKey(name);

    /// <summary>Refuses any attribute outside <paramref name="understood"/>: one DeepVis cannot honour must not be ignored silently.</summary>
    public void OnlyThese(params string[] understood)
    {
        if (_byName.Keys.FirstOrDefault(k => !understood.Contains(k)) is { } other)
            throw new OnnxException($"attribute '{other}' is not supported; {node.OpType} takes {(understood.Length == 0 ? "no attributes" : string.Join(", ", understood))}");
    }

    private AttributeProto? Get(string name, AttributeProto.Types.AttributeType type)
    {
        if (!_byName.TryGetValue(name, out var a)) return null;
        // Old exporters leave the type unset; then the field that is filled says what it is.
        return a.Type == type || a.Type == AttributeProto.Types.AttributeType.Undefined ? a
            : throw new OnnxException($"attribute '{name}' is {a.Type}, expected {type}");
    }

    public long Int(string name, long fallback) => Get(name, AttributeProto.Types.AttributeType.Int) is { } a ? a.I : fallback;

    public double Float(string name, double fallback) => Get(name, AttributeProto.Types.AttributeType.Float) is { } a ? a.F : fallback;

    public string String(string name, string fallback) =>
        Get(name, AttributeProto.Types.AttributeType.String) is { } a ? Encoding.UTF8.GetString(a.S.Span) : fallback;

    public long[]? IntsOrNull(string name) => Get(name, AttributeProto.Types.AttributeType.Ints) is { } a ? [.. a.Ints] : null;

    public long[] Ints(string name) => IntsOrNull(name) ?? throw new OnnxException($"attribute '{name}' is missing");

    public float[] Floats(string name) =>
        Get(name, AttributeProto.Types.AttributeType.Floats) is { } a ? [.. a.Floats] : throw new OnnxException($"attribute '{name}' is missing");

    public OnnxConstant? Tensor(string name) =>
        Get(name, AttributeProto.Types.AttributeType.Tensor) is { } a ? OnnxTensors.Read(a.T, modelFolder) : null;

    /// <summary>A Constant node's value: a tensor, or one of the scalar and list forms.</summary>
    public OnnxConstant Constant()
    {
        OnlyThese("value", "value_float", "value_floats", "value_int", "value_ints");
        if (Tensor("value") is { } t) return t;
        if (Has("value_float")) return OnnxConstant.Of([(float)Float("value_float", 0)]);
        if (Get("value_floats", AttributeProto.Types.AttributeType.Floats) is { } fs) return OnnxConstant.Of([.. fs.Floats], fs.Floats.Count);
        if (Has("value_int")) return OnnxConstant.Of([(long?)Int("value_int", 0)]);
        if (IntsOrNull("value_ints") is { } ints) return OnnxConstant.Of([.. ints.Select(i => (long?)i)], ints.Length);
        throw new OnnxException("a Constant without a value");
    }
}
