using System.Runtime.Intrinsics;
using DeepVis.Kernels.Unary;

namespace DeepVis.Ops;

/// <summary>
/// Clip to [min, max]: PyTorch's hardtanh, ReLU6 (MobileNetV2) with min 0 and max 6. NaN propagates
/// (as torch.clamp: compares and selects, never min/max). The backward follows hardtanh_backward: dy
/// passes where min &lt; x &lt; max (and where x is NaN), 0 at and beyond the bounds.
/// </summary>
public readonly struct Clip : IUnaryFunction
{
    private readonly float _min;
    private readonly float _max;

    /// <summary>The bounds; either may be infinite (unbounded), and min must not exceed max (NaN never fits).</summary>
    public Clip(float min, float max)
    {
        if (!(min <= max)) throw new ArgumentException($"clip: min must not exceed max, got min {min} and max {max}");
        (_min, _max) = (min, max);
    }

    public string Name => "clip";

    public bool BackwardReadsInput => true;

    public float Forward(float x) => x < _min ? _min : x > _max ? _max : x;

    public float Backward(float x, float dy) => x <= _min || x >= _max ? 0f : dy;

    public Vector256<float> Forward(Vector256<float> x)
    {
        var (low, high) = (Vector256.Create(_min), Vector256.Create(_max));
        x = Vector256.ConditionalSelect(Vector256.LessThan(x, low), low, x);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, high), high, x);
    }

    public Vector256<float> Backward(Vector256<float> x, Vector256<float> dy) =>
        Vector256.AndNot(dy, Vector256.LessThanOrEqual(x, Vector256.Create(_min)) | Vector256.GreaterThanOrEqual(x, Vector256.Create(_max)));
}
