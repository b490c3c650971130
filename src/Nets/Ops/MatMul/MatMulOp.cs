namespace DeepVis.Ops;

/// <summary>
/// nn.Linear along the last axis of an N-D value (stored MatMul). ONNX MatMul maps here when its computed
/// operand has more than one axis per item (Linear.Onnx.cs, with the flat case); it runs on the linear layer's kernels.
/// </summary>
internal static class MatMulOp
{
    public static Op Declaration { get; } = new("MatMul", [typeof(Linear)], typeof(MatMulLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["MatMul"] = new("(along the last axis)", node => new MatMulSpec(node.Node.Address, node.Node.Aliases ?? [])) },
    };
}
