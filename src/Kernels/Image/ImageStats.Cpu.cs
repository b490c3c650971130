using System.Runtime.Intrinsics;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using DeepVis.Kernels.Cpu;

namespace DeepVis.Kernels.Image;

/// <summary>Per-image statistics and dot products on the cpu device: one image per thread, in a fixed order.</summary>
public static partial class ImageStats
{
    private static void CpuDot(Tensor a, Tensor b, Tensor result) =>
        CpuParallel.For(a.Device, a.N, a.ItemLength, n =>
        {
            var m = a.ItemLength;
            result.Span[n] = CpuReduce.Dot(a.Span.Slice(n * m, m), b.Span.Slice(n * m, m));
        });

    private static void CpuCompute(Tensor x, Tensor stats) =>
        CpuParallel.For(x.Device, x.N, 4L * x.ItemLength, n =>
        {
            var m = x.ItemLength;
            CpuStatistics(x.Span.Slice(n * m, m), stats.Span.Slice(n * Count, Count));
        });

    /// <summary>
    /// The four statistics of one image in one pass: eight lanes accumulate in float, then a fixed
    /// horizontal sum and the scalar tail. Max |x| starts at 0 (an all-zero image gives 0) and is NaN
    /// when the image holds a NaN, as the ILGPU kernel's Max on the CPU accelerator: the sum of
    /// magnitudes is NaN exactly then, so the fast native max of the loop is corrected once at the end.
    /// </summary>
    private static void CpuStatistics(ReadOnlySpan<float> x, Span<float> row)
    {
        var (sum, sumOfSquares, maxAbs, sumAbs) = (Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero, Vector256<float>.Zero);
        var i = 0;
        for (; i + Vector256<float>.Count <= x.Length; i += Vector256<float>.Count)
        {
            var v = Vector256.Create(x.Slice(i));
            var magnitude = Vector256.Abs(v);
            sum += v;
            sumOfSquares += v * v;
            maxAbs = Vector256.MaxNative(maxAbs, magnitude);
            sumAbs += magnitude;
        }
        var (s, s2, max, s1) = (Vector256.Sum(sum), Vector256.Sum(sumOfSquares), MaxLane(maxAbs), Vector256.Sum(sumAbs));
        for (; i < x.Length; i++)
        {
            var v = x[i];
            s += v;
            s2 += v * v;
            max = MathF.Max(max, MathF.Abs(v));
            s1 += MathF.Abs(v);
        }
        row[Sum] = s;
        row[SumOfSquares] = s2;
        row[MaxAbs] = float.IsNaN(s1) ? float.NaN : max;
        row[SumAbs] = s1;
    }

    private static float MaxLane(Vector256<float> v)
    {
        var max = 0f;
        for (var lane = 0; lane < Vector256<float>.Count; lane++) max = MathF.Max(max, v[lane]);
        return max;
    }
}
