using System.Runtime.Intrinsics;
using DeepVis.Kernels.Unary;

namespace DeepVis.Ops;

/// <summary>
/// silu(x) = x sigmoid(x) (Swish; torch's nn.SiLU, EfficientNet's activation). The backward follows
/// torch's silu_backward: dx = dy s (1 + x (1 - s)) with s = sigmoid(x).
/// </summary>
public readonly struct SiLU : IUnaryFunction
{
    public string Name => "silu";

    public float Forward(float x) => x * UnaryMath.Sigmoid(x);

    public float Backward(float x, float y, float dy)
    {
        var s = UnaryMath.Sigmoid(x);
        return dy * s * (1f + x * (1f - s));
    }

    public Vector256<float> Forward(Vector256<float> x) => x * UnaryMath.Sigmoid(x);

    public Vector256<float> Backward(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        var s = UnaryMath.Sigmoid(x);
        return dy * s * (Vector256<float>.One + x * (Vector256<float>.One - s));
    }
}
