using System.Runtime.Intrinsics;
using DeepVis.Kernels.Unary;

namespace DeepVis.Ops;

/// <summary>
/// hardswish(x) = x clamp(x + 3, 0, 6) / 6 (ONNX HardSwish, torch's hardswish, MobileNetV3), computed in
/// torch's order; NaN propagates (compares and selects, never min/max). The backward follows
/// hardswish_backward: 0 below -3, dy (x / 3 + 1/2) from -3 to 3 (both included, so -dy/2 at x = -3),
/// dy above 3 (and where x is NaN).
/// </summary>
public readonly struct HardSwish : IUnaryFunction
{
    public string Name => "hardswish";

    public float Forward(float x)
    {
        var gate = x + 3f;
        gate = gate < 0f ? 0f : gate > 6f ? 6f : gate;
        return x * gate / 6f;
    }

    public float Backward(float x, float y, float dy) => x < -3f ? 0f : x <= 3f ? dy * (x / 3f + 0.5f) : dy;

    public Vector256<float> Forward(Vector256<float> x)
    {
        var six = Vector256.Create(6f);
        var gate = x + Vector256.Create(3f);
        gate = Vector256.ConditionalSelect(Vector256.LessThan(gate, Vector256<float>.Zero), Vector256<float>.Zero, gate);
        gate = Vector256.ConditionalSelect(Vector256.GreaterThan(gate, six), six, gate);
        return x * gate / six;
    }

    public Vector256<float> Backward(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        var three = Vector256.Create(3f);
        var ramp = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(x, three), dy * (x / three + Vector256.Create(0.5f)), dy);
        return Vector256.ConditionalSelect(Vector256.LessThan(x, -three), Vector256<float>.Zero, ramp);
    }
}
