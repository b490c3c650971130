using System.Runtime.Intrinsics;
using DeepVis.Kernels.Unary;
using ILGPU.Algorithms;

namespace DeepVis.Ops;

/// <summary>Which form of GELU: PyTorch's and ONNX's attribute <c>approximate</c>.</summary>
public enum GeluApproximation
{
    /// <summary>The exact x Phi(x) = x (1 + erf(x / sqrt 2)) / 2 (<c>approximate='none'</c>).</summary>
    None,

    /// <summary>x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) / 2 (<c>approximate='tanh'</c>).</summary>
    Tanh,
}

/// <summary>
/// GELU (torch's nn.GELU, ONNX Gelu; ConvNeXt's and the vision transformers' activation) in either form,
/// with torch's gelu_backward for each: dy (Phi(x) + x phi(x)) exact, and the tanh form's own derivative.
/// </summary>
/// <param name="approximation">The form.</param>
public readonly struct Gelu(GeluApproximation approximation) : IUnaryFunction
{
    private const float InverseSqrt2 = 0.70710678118654752f;
    private const float InverseSqrt2Pi = 0.39894228040143268f;
    private const float SqrtTwoOverPi = 0.79788456080286536f;
    private const float Kappa = 0.044715f;

    private readonly GeluApproximation _approximation = approximation;

    public string Name => "gelu";

    public float Forward(float x)
    {
        if (_approximation == GeluApproximation.Tanh) return 0.5f * x * (1f + UnaryMath.Tanh(SqrtTwoOverPi * (x + Kappa * x * x * x)));
        return 0.5f * x * (1f + UnaryMath.Erf(x * InverseSqrt2));
    }

    public float Backward(float x, float y, float dy)
    {
        if (_approximation == GeluApproximation.Tanh)
        {
            var t = UnaryMath.Tanh(SqrtTwoOverPi * (x + Kappa * x * x * x));
            return dy * (0.5f * (1f + t) + 0.5f * x * (1f - t * t) * SqrtTwoOverPi * (1f + 3f * Kappa * x * x));
        }
        return dy * (0.5f * (1f + UnaryMath.Erf(x * InverseSqrt2)) + x * InverseSqrt2Pi * XMath.Exp(-0.5f * x * x));
    }

    public Vector256<float> Forward(Vector256<float> x)
    {
        var half = Vector256.Create(0.5f);
        if (_approximation == GeluApproximation.Tanh)
            return half * x * (Vector256<float>.One + UnaryMath.Tanh(Vector256.Create(SqrtTwoOverPi) * (x + Vector256.Create(Kappa) * x * x * x)));
        return half * x * (Vector256<float>.One + UnaryMath.Erf(x * Vector256.Create(InverseSqrt2)));
    }

    public Vector256<float> Backward(Vector256<float> x, Vector256<float> y, Vector256<float> dy)
    {
        var (half, one) = (Vector256.Create(0.5f), Vector256<float>.One);
        if (_approximation == GeluApproximation.Tanh)
        {
            var t = UnaryMath.Tanh(Vector256.Create(SqrtTwoOverPi) * (x + Vector256.Create(Kappa) * x * x * x));
            var slope = Vector256.Create(SqrtTwoOverPi) * (one + Vector256.Create(3f * Kappa) * x * x);
            return dy * (half * (one + t) + half * x * (one - t * t) * slope);
        }
        return dy * (half * (one + UnaryMath.Erf(x * Vector256.Create(InverseSqrt2)))
            + x * Vector256.Create(InverseSqrt2Pi) * Vector256.Exp(-half * x * x));
    }
}
