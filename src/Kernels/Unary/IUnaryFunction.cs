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
    /// True when <see cref="Backward(float, float)"/> reads the input x, false when it reads the forward's
    /// output y (sigmoid, tanh): the kernels stream only that tensor, never both.
    /// </summary>
    bool BackwardReadsInput { get; }

    /// <summary>dx = f'(x) dy from <paramref name="value"/>, x or y as <see cref="BackwardReadsInput"/> says, with the function's convention at kinks.</summary>
    float Backward(float value, float dy);

    /// <summary><see cref="Forward(float)"/> on eight elements.</summary>
    Vector256<float> Forward(Vector256<float> x);

    /// <summary><see cref="Backward(float, float)"/> on eight elements.</summary>
    Vector256<float> Backward(Vector256<float> value, Vector256<float> dy);

    /// <summary>
    /// The forward of a whole span on the cpu device through a library routine, when one exists and is
    /// faster than the eight-wide form (TensorPrimitives uses the widest vectors the machine has);
    /// false leaves the span to <see cref="Forward(Vector256{float})"/>. <paramref name="y"/> may be <paramref name="x"/>.
    /// </summary>
    bool Forward(ReadOnlySpan<float> x, Span<float> y) => false;
}
