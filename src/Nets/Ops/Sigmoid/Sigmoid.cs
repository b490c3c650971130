using System.Runtime.Intrinsics;
using DeepVis.Kernels.Unary;

namespace DeepVis.Ops;

/// <summary>
/// The logistic function 1 / (1 + e^-x): squeeze-excitation gates (EfficientNet, RegNetY) and the render
/// parameterization's squashing of pixels (Lucid's to_valid_rgb). The backward reads the forward's output,
/// as torch's sigmoid_backward: dx = dy y (1 - y).
/// </summary>
public readonly struct Sigmoid : IUnaryFunction
{
    public string Name => "sigmoid";
    public float Forward(float x) => UnaryMath.Sigmoid(x);
    public float Backward(float x, float y, float dy) => dy * y * (1f - y);
    public Vector256<float> Forward(Vector256<float> x) => UnaryMath.Sigmoid(x);
    public Vector256<float> Backward(Vector256<float> x, Vector256<float> y, Vector256<float> dy) => dy * y * (Vector256<float>.One - y);
}
