using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>Max pooling (stored and ONNX MaxPool).</summary>
internal static class MaxPoolOp
{
    public static Op Declaration { get; } = new("MaxPool", [typeof(MaxPool2d)], typeof(MaxPool2dLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["MaxPool"] = new($"{Pool2dSettings.Attributes}, {Pool2dSettings.DilationAttribute}", node =>
            {
                var settings = Pool2dSettings.Read(node, dilates: true);
                return node.Stateless(() => new MaxPool2dLayer(settings));
            }),
        },
        Onnx = new Dictionary<string, OnnxMapping> { ["MaxPool"] = (ops, x) => ops.Pool("MaxPool", x) },
    };
}
