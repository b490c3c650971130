using System.Runtime.Intrinsics;

namespace DeepVis.Kernels.Unary;

/// <summary>
/// One element-wise function y = f(x) and its backward, as a struct that <see cref="UnaryKernels"/> takes
/// as a generic argument: ILGPU compiles the scalar members into one kernel pair per function, and the
/// JIT specializes the cpu device's SIMD loop for the vector members, so neither pays for an indirect call.
/// A function's parameters (a slope, an offset) are its fields; both forms must compute the same values.
/// </summary>
public interface IUnaryFunction
{
    /// <summary>The name shape errors use ("tanh output").</summary>
    string Name { get; }

    /// <summary>f(x) on one element (the ILGPU kernels, and the cpu device's tail past the last full vector).</summary>
    float Forward(float x);

    /// <summary>
    /// dx = f'(x) dy, from the input <paramref name="x"/> or the forward's output <paramref name="y"/>
    /// (a function whose derivative is written in y may ignore x), with the function's convention at kinks.
    /// </summary>
    float Backward(float x, float y, float dy);

    /// <summary><see cref="Forward(float)"/> on eight elements.</summary>
    Vector256<float> Forward(Vector256<float> x);

    /// <summary><see cref="Backward(float, float, float)"/> on eight elements.</summary>
    Vector256<float> Backward(Vector256<float> x, Vector256<float> y, Vector256<float> dy);
}
