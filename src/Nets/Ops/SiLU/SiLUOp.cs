using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>
/// SiLU, x sigmoid(x) (stored SiLU, from torch's nn.SiLU). ONNX has no SiLU op: PyTorch exports it as
/// Sigmoid and Mul, which map to those ops.
/// </summary>
internal static class SiLUOp
{
    public static Op Declaration { get; } = new("SiLU", [typeof(SiLU)], typeof(UnaryFunctionLayer<SiLU>))
    {
        Stored = new Dictionary<string, StoredForm> { ["SiLU"] = new("", node => node.Stateless(() => new UnaryFunctionLayer<SiLU>(new SiLU(), "SiLU"))) },
    };
}
