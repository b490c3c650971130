using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>A fully-connected layer (stored as Linear; ONNX Gemm, and MatMul with a constant Add as its bias).</summary>
internal static class LinearOp
{
    public static Op Declaration { get; } = new("Linear", [typeof(Linear)], typeof(LinearLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["Linear"] = new("(weight [out, in], bias [out])", node => new LinearSpec(node.Node.Address, node.Node.Aliases ?? [])),
        },
        Onnx = new Dictionary<string, OnnxMapping> { ["Gemm"] = (ops, x) => ops.Gemm(x), ["MatMul"] = (ops, x) => ops.MatMul(x) },
    };
}
