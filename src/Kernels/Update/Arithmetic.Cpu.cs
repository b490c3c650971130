using System.Numerics.Tensors;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using DeepVis.Kernels.Cpu;
using Device = DeepVis.Kernels.Runtime.Device;

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
        CpuForSegments(x.Device, x.Length, x.ItemLength, (n, start, length) =>
        {
            var ys = y.Span.Slice(start, length);
            TensorPrimitives.MultiplyAdd(x.Span.Slice(start, length), alpha.Span[n], ys, ys);
        });

    private static void CpuSubtract(Tensor a, Tensor b, Tensor y) =>
        CpuParallel.ForRange(a.Device, a.Length, (start, length) =>
            TensorPrimitives.Subtract(a.Span.Slice(start, length), b.Span.Slice(start, length), y.Span.Slice(start, length)));

    /// <summary>
    /// body(segment, start, length) over [0, <paramref name="length"/>) in the chunks of
    /// <see cref="CpuParallel.ForRange"/>, each cut further where a segment of <paramref name="segmentLength"/>
    /// elements ends (a batch item, an image plane), so every call lies inside one segment.
    /// </summary>
    internal static void CpuForSegments(Device device, int length, int segmentLength, Action<int, int, int> body) =>
        CpuParallel.ForRange(device, length, (start, count) =>
        {
            var end = start + count;
            while (start < end)
            {
                var segment = start / segmentLength;
                var stop = (int)Math.Min(end, (long)(segment + 1) * segmentLength);
                body(segment, start, stop - start);
                start = stop;
            }
        });
}
