using System.Numerics.Tensors;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using DeepVis.Kernels.Cpu;

namespace DeepVis.Kernels.Update;

/// <summary>Element-wise tensor arithmetic on the cpu device.</summary>
public static partial class Arithmetic
{
    /// <summary>y += alpha * x (also L2Penalty's gradient).</summary>
    internal static void CpuAxpy(float alpha, Tensor x, Tensor y) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var ys = y.Span.Slice(start, length);
            TensorPrimitives.MultiplyAdd(x.Span.Slice(start, length), alpha, ys, ys);
        });

    private static void CpuAxpyPerItem(Tensor alpha, Tensor x, Tensor y) =>
        CpuParallel.ForSegments(x.Device, x.Length, x.ItemLength, (n, start, length) =>
        {
            var ys = y.Span.Slice(start, length);
            TensorPrimitives.MultiplyAdd(x.Span.Slice(start, length), alpha.Span[n], ys, ys);
        });

    private static void CpuScaleAdd(float beta, Tensor x, Tensor y) =>
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            var ys = y.Span.Slice(start, length);
            TensorPrimitives.MultiplyAdd(ys, beta, x.Span.Slice(start, length), ys);
        });

    private static void CpuSubtract(Tensor a, Tensor b, Tensor y) =>
        CpuParallel.ForRange(a.Device, a.Length, (start, length) =>
            TensorPrimitives.Subtract(a.Span.Slice(start, length), b.Span.Slice(start, length), y.Span.Slice(start, length)));
}
