using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>
/// Add, Sub, Mul and Div with NumPy broadcasting (stored under those names; ONNX Add, Sub, Mul, Div and
/// Sum): two computed values, or one and a constant weight.
/// </summary>
internal static class ElementwiseOp
{
    private const string Attributes = "constant_first [0|1] (with one input and a weight tensor: 1 where the weight is the first operand, default 0), " +
        "broadcast [0|1] (with two inputs: 0 where they must have one shape, as a residual sum; default 0 for Add, 1 otherwise)";

    public static Op Declaration { get; } = new("Elementwise", [typeof(Add), typeof(Elementwise)], typeof(ElementwiseLayer))
    {
        Stored = Enum.GetValues<BinaryKind>().ToDictionary(k => k.ToString(), k => new StoredForm(Attributes, node => Spec(node, k))),
        Onnx = new Dictionary<string, OnnxMapping>
        {
            ["Add"] = (ops, x) => ops.Add(x),
            ["Sub"] = (ops, x) => ops.Arithmetic(BinaryKind.Sub, x),
            ["Mul"] = (ops, x) => ops.Arithmetic(BinaryKind.Mul, x),
            ["Div"] = (ops, x) => ops.Arithmetic(BinaryKind.Div, x),
            ["Sum"] = (ops, x) => ops.Sum(x),
        },
    };

    private static LayerSpec Spec(OpNode node, BinaryKind kind)
    {
        var constantFirst = node.Flag("constant_first", false);
        return node.Node.Inputs.Count switch
        {
            2 => node.Stateless(() => new ElementwiseLayer(kind, broadcast: node.Flag("broadcast", kind != BinaryKind.Add))),
            1 => new ElementwiseSpec(node.Node.Address, node.Node.Aliases ?? [], kind, constantFirst),
            var n => throw node.Refuse($"reads {n} inputs; {kind} takes two, or one and a weight tensor"),
        };
    }
}
