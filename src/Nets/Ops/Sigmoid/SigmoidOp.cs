using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>
/// Sigmoid (stored and ONNX Sigmoid). Its kernels are the ones the render parameterization squashes
/// pixels with (<see cref="Kernels.Image.Sigmoid"/>), so the op has no kernel class of its own.
/// </summary>
internal static class SigmoidOp
{
    public static Op Declaration { get; } = new("Sigmoid", [typeof(Kernels.Image.Sigmoid)], typeof(SigmoidLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["Sigmoid"] = new("", node => node.Stateless(() => new SigmoidLayer())) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Sigmoid"] = (ops, x) => ops.Simple("Sigmoid", x) },
    };
}
