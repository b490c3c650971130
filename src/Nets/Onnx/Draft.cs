using Onnx;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// One node of the graph being imported, before it has an address: the stored-graph op it becomes,
/// the drafts it reads (-1: the network input), its attributes and tensors (by suffix: weight, bias,
/// running_mean ...), the ONNX node that names it and its per-item output shape.
/// </summary>
internal sealed class Draft(string op, NodeProto node, IReadOnlyList<int> inputs, int[] shape)
{
    public const int Input = -1;

    public string Op { get; } = op;
    public NodeProto Node { get; set; } = node;
    public IReadOnlyList<int> Inputs { get; } = inputs;
    public int[] Shape { get; } = shape;
    public Dictionary<string, double[]> Attributes { get; } = [];
    public Dictionary<string, OnnxConstant> Tensors { get; } = [];

    /// <summary>Appended to the address: the parts of one ONNX node that became several (a Sum of three inputs).</summary>
    public string Suffix { get; init; } = "";

    /// <summary>A Linear made from MatMul: a following Add of a constant becomes its bias.</summary>
    public bool AwaitsBias { get; set; }

    public List<string> Aliases { get; } = [];
    public List<string> Notes { get; } = [];
}

/// <summary>What an ONNX value name stands for while the graph is imported.</summary>
internal abstract record Value;

/// <summary>The output of a draft (or of the network input, <see cref="Draft.Input"/>).</summary>
internal sealed record NodeValue(int Draft) : Value;

/// <summary>A value known at import time.</summary>
internal sealed record ConstValue(OnnxConstant Constant) : Value;

/// <summary>
/// A draft's output padded with zeros [top, left, bottom, right] by <paramref name="Node"/>: a convolution or
/// average pool that reads it takes the pads as its own; any other reader gets a Pad layer.
/// </summary>
internal sealed record PaddedValue(int Draft, int[] Pads, NodeProto Node) : Value;
