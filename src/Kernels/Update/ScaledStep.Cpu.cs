using DeepVis.Kernels.Cpu;
using System.Runtime.Intrinsics;
using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Update;

/// <summary>The scaled step on the cpu device.</summary>
public static partial class ScaledStep
{
    private static void CpuApply(Tensor x, Tensor g, Tensor stats, float step, int column, float divisor) =>
        CpuParallel.ForSegments(x.Device, x.Length, x.ItemLength, (n, start, length) =>
        {
            var scale = stats.Span[n * ImageStats.Count + column] / divisor + 1e-8f;
            var xs = x.Span.Slice(start, length);
            var gs = g.Span.Slice(start, length);
            var (steps, scales) = (Vector256.Create(step), Vector256.Create(scale));
            var i = 0;
            for (; i + Vector256<float>.Count <= length; i += Vector256<float>.Count)
                (Vector256.Create(xs.Slice(i)) - steps * Vector256.Create(gs.Slice(i)) / scales).CopyTo(xs.Slice(i));
            for (; i < length; i++) xs[i] -= step * gs[i] / scale;
        });
}
