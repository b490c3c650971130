namespace DeepVis.Ops;

/// <summary>
/// Every graph op, one line each. Stored graphs (<see cref="Nets.Zoo.StoredGraph"/>), the ONNX importer
/// (<see cref="Nets.Onnx.OnnxOps"/>) and the tests' discovery of kernels, test classes and references
/// read this table; adding an op is its folder and a line here.
/// </summary>
internal static class OpRegistry
{
    public static readonly IReadOnlyList<Op> All =
    [
        ConvOp.Declaration,
        BatchNormalizationOp.Declaration,
        LinearOp.Declaration,
        ReluOp.Declaration,
        ClipOp.Declaration,
        HardSigmoidOp.Declaration,
        HardSwishOp.Declaration,
        SigmoidOp.Declaration,
        TanhOp.Declaration,
        ElementwiseOp.Declaration,
        SiLUOp.Declaration,
        GeluOp.Declaration,
        ErfOp.Declaration,
        ConcatOp.Declaration,
        MaxPoolOp.Declaration,
        AveragePoolOp.Declaration,
        AdaptiveAveragePoolOp.Declaration,
        ReduceOp.Declaration,
        FlattenOp.Declaration,
        DropoutOp.Declaration,
        LrnOp.Declaration,
        SoftmaxOp.Declaration,
        PadOp.Declaration,
        ResizeOp.Declaration,
        TransposeOp.Declaration,
        ReshapeOp.Declaration,
        SliceOp.Declaration,
        LayerNormOp.Declaration,
        MatMulOp.Declaration,
    ];

    /// <summary>Stored-graph op name to its form, in registry order.</summary>
    public static readonly IReadOnlyDictionary<string, StoredForm> Stored =
        All.SelectMany(op => op.Stored).ToDictionary(p => p.Key, p => p.Value);

    /// <summary>ONNX op type to its mapping.</summary>
    public static readonly IReadOnlyDictionary<string, OnnxMapping> Onnx =
        All.SelectMany(op => op.Onnx).ToDictionary(p => p.Key, p => p.Value);
}
