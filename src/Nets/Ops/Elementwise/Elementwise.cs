using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>The four element-wise arithmetic operations (ONNX Add, Sub, Mul, Div).</summary>
public enum BinaryKind
{
    /// <summary>a + b</summary>
    Add,

    /// <summary>a - b</summary>
    Sub,

    /// <summary>a * b</summary>
    Mul,

    /// <summary>a / b</summary>
    Div,
}

/// <summary>
/// y = a op b with NumPy broadcasting over up to four axes (the squeeze-excitation gate x * s with s
/// [N, C, 1, 1], a layer scale [C, 1, 1], a scalar). The backward to either operand is a gather: each of
/// its elements sums, in a fixed order, the output gradients of the elements it was broadcast to,
/// times the partial derivative (PyTorch's: b for a Mul, 1 / b and -a / b^2 for a Div).
/// </summary>
public static partial class Elementwise
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, Broadcast, int, ArrayView<float>, ArrayView<float>, ArrayView<float>> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, Broadcast, int, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ForwardKernel);

        public readonly Action<Index1D, Broadcast, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, Broadcast, int, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>>(BackwardKernel);
    }

    /// <summary>y = a op b; <paramref name="y"/> must have the broadcast shape of a and b and be neither of them unless it has their shape.</summary>
    public static void Forward(BinaryKind kind, Tensor a, Tensor b, Tensor y)
    {
        Broadcast.Require($"{kind}", a, b, y);
        var plan = Broadcast.Of(a.Shape, b.Shape, y.Shape);
        if (a.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, plan, (int)kind, a.View, b.View, y.View);
        else CpuForward(kind, plan, a, b, y);
    }

    /// <summary>
    /// The gradient with respect to operand <paramref name="operand"/> (0: a, 1: b), written into
    /// <paramref name="dx"/>, which has that operand's shape and is none of the other tensors.
    /// </summary>
    public static void Backward(BinaryKind kind, int operand, Tensor a, Tensor b, Tensor dy, Tensor dx)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(operand is 0 or 1, true, nameof(operand));
        Broadcast.Require($"{kind}", a, b, dy);
        var (target, other) = operand == 0 ? (a, b) : (b, a);
        dx.RequireShape($"{kind} gradient of operand {(operand == 0 ? "a" : "b")}", [.. target.Shape]);
        // The plan with the operand differentiated as A: its strides say which axes it was broadcast over.
        var plan = Broadcast.Of(target.Shape, other.Shape, dy.Shape);
        if (a.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, plan, (int)kind, 1 - operand, target.View, other.View, dy.View, dx.View);
        else CpuBackward(kind, operand == 0, plan, target, other, dy, dx);
    }

    private static float Apply(int kind, float a, float b) =>
        kind == (int)BinaryKind.Add ? a + b : kind == (int)BinaryKind.Sub ? a - b : kind == (int)BinaryKind.Mul ? a * b : a / b;

    /// <summary>dy times d(a op b)/d(target), with <paramref name="first"/> 1 where the target is a.</summary>
    private static float Partial(int kind, int first, float dy, float other, float self) =>
        kind == (int)BinaryKind.Add ? dy
        : kind == (int)BinaryKind.Sub ? (first == 1 ? dy : -dy)
        : kind == (int)BinaryKind.Mul ? dy * other
        : first == 1 ? dy / other : -dy * other / (self * self);

    private static void ForwardKernel(Index1D i, Broadcast p, int kind, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y)
    {
        int i3 = i % p.D3, r = i / p.D3;
        int i2 = r % p.D2;
        r /= p.D2;
        int i1 = r % p.D1, i0 = r / p.D1;
        y[i] = Apply(kind, a[i0 * p.A0 + i1 * p.A1 + i2 * p.A2 + i3 * p.A3], b[i0 * p.B0 + i1 * p.B1 + i2 * p.B2 + i3 * p.B3]);
    }

    /// <summary>One element j of the target (operand A of the plan): the sum over the output elements it reached.</summary>
    private static void BackwardKernel(Index1D j, Broadcast p, int kind, int first, ArrayView<float> target, ArrayView<float> other, ArrayView<float> dy, ArrayView<float> dx)
    {
        int t1 = p.A1 == 0 ? 1 : p.D1, t2 = p.A2 == 0 ? 1 : p.D2, t3 = p.A3 == 0 ? 1 : p.D3;
        int c3 = j % t3, r = j / t3;
        int c2 = r % t2;
        r /= t2;
        int c1 = r % t1, c0 = r / t1;
        int lo0 = p.A0 == 0 ? 0 : c0, hi0 = p.A0 == 0 ? p.D0 : c0 + 1;
        int lo1 = p.A1 == 0 ? 0 : c1, hi1 = p.A1 == 0 ? p.D1 : c1 + 1;
        int lo2 = p.A2 == 0 ? 0 : c2, hi2 = p.A2 == 0 ? p.D2 : c2 + 1;
        int lo3 = p.A3 == 0 ? 0 : c3, hi3 = p.A3 == 0 ? p.D3 : c3 + 1;
        var self = target[j];
        var sum = 0f;
        for (var o0 = lo0; o0 < hi0; o0++)
            for (var o1 = lo1; o1 < hi1; o1++)
                for (var o2 = lo2; o2 < hi2; o2++)
                    for (var o3 = lo3; o3 < hi3; o3++)
                        sum += Partial(kind, first, dy[((o0 * p.D1 + o1) * p.D2 + o2) * p.D3 + o3],
                            other[o0 * p.B0 + o1 * p.B1 + o2 * p.B2 + o3 * p.B3], self);
        dx[j] = sum;
    }
}
