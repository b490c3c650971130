using System.Runtime.Intrinsics;
using DeepVis.Kernels.Unary;

namespace DeepVis.Ops;

/// <summary>The error function (ONNX Erf, torch.erf), and its derivative dx = dy 2/sqrt(pi) e^(-x^2).</summary>
public readonly struct Erf : IUnaryFunction
{
    public string Name => "erf";

    public float Forward(float x) => UnaryMath.Erf(x);

    public float Backward(float x, float y, float dy) => dy * UnaryMath.TwoOverSqrtPi * ILGPU.Algorithms.XMath.Exp(-x * x);

    public Vector256<float> Forward(Vector256<float> x) => UnaryMath.Erf(x);

    public Vector256<float> Backward(Vector256<float> x, Vector256<float> y, Vector256<float> dy) =>
        dy * Vector256.Create(UnaryMath.TwoOverSqrtPi) * Vector256.Exp(-x * x);
}
