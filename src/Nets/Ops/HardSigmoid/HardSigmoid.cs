using System.Runtime.Intrinsics;
using DeepVis.Kernels.Unary;

namespace DeepVis.Ops;

/// <summary>
/// ONNX HardSigmoid: y = max(0, min(1, alpha x + beta)); PyTorch's hardsigmoid is alpha 1/6, beta 1/2.
/// NaN propagates (as torch). The backward follows hardsigmoid_backward: dx = alpha dy where
/// 0 &lt; alpha x + beta &lt; 1, exactly 0 at and beyond the kinks (and where x is NaN).
/// </summary>
public readonly struct HardSigmoid : IUnaryFunction
{
    /// <summary>PyTorch's slope (ONNX's default is 0.2; torch exports 1/6).</summary>
    public const float TorchAlpha = 1f / 6f;

    /// <summary>PyTorch's offset, also ONNX's default.</summary>
    public const float TorchBeta = 0.5f;

    private readonly float _alpha;
    private readonly float _beta;

    /// <summary>The slope and offset; both must be finite (an infinite one turns every input into NaN or a constant).</summary>
    public HardSigmoid(float alpha = TorchAlpha, float beta = TorchBeta)
    {
        if (!float.IsFinite(alpha) || !float.IsFinite(beta))
            throw new ArgumentException($"hardsigmoid: alpha and beta must be finite, got alpha {alpha} and beta {beta}");
        (_alpha, _beta) = (alpha, beta);
    }

    public string Name => "hardsigmoid";

    public float Forward(float x)
    {
        var z = _alpha * x + _beta;
        return z < 0f ? 0f : z > 1f ? 1f : z;
    }

    public float Backward(float x, float y, float dy)
    {
        var z = _alpha * x + _beta;
        return z > 0f && z < 1f ? _alpha * dy : 0f;
    }

    public Vector256<float> Forward(Vector256<float> x)
    {
        var z = Vector256.Create(_alpha) * x + Vector256.Create(_beta);
        z = Vector256.ConditionalSelect(Vector256.LessThan(z, Vector256<float>.Zero), Vector256<float>.Zero, z);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(z, Vector256<float>.One), Vector256<float>.One, z);
    }

    public Vector256<float> Backward(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        var a = Vector256.Create(_alpha);
        var z = a * x + Vector256.Create(_beta);
        return a * dy & (Vector256.GreaterThan(z, Vector256<float>.Zero) & Vector256.LessThan(z, Vector256<float>.One));
    }
}
