using System.Runtime.Intrinsics;
using DeepVis.Kernels.Unary;

namespace DeepVis.Ops;

/// <summary>tanh; the backward reads the forward's output, as torch's tanh_backward: dx = dy (1 - y^2).</summary>
public readonly struct Tanh : IUnaryFunction
{
    public string Name => "tanh";
    public float Forward(float x) => UnaryMath.Tanh(x);
    public float Backward(float x, float y, float dy) => dy * (1f - y * y);
    public Vector256<float> Forward(Vector256<float> x) => UnaryMath.Tanh(x);
    public Vector256<float> Backward(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => dy * (Vector256<float>.One - y * y);
}
