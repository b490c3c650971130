using DeepVis.Nets.Layers;
using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>HardSwish, x clamp(x + 3, 0, 6) / 6 (stored and ONNX HardSwish, which has no attributes).</summary>
internal static class HardSwishOp
{
    public static Op Declaration { get; } = new("HardSwish", [typeof(HardSwish)], typeof(UnaryFunctionLayer<HardSwish>))
    {
        Stored = new Dictionary<string, StoredForm> { ["HardSwish"] = new("", node => node.Stateless(() => new UnaryFunctionLayer<HardSwish>(new HardSwish(), "Hardswish"))) },
        Onnx = new Dictionary<string, OnnxMapping> { ["HardSwish"] = (ops, x) => ops.Simple("HardSwish", x) },
    };
}
