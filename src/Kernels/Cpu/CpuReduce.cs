using System.Runtime.Intrinsics;

namespace DeepVis.Kernels.Cpu;

/// <summary>
/// Sums of the CPU kernels in an order fixed by the length alone: eight lanes accumulate from the
/// start, then the lanes add up in order, then the tail. (TensorPrimitives.Sum and Dot start where the
/// memory is aligned, so their rounding would depend on where a tensor happens to be allocated.)
/// </summary>
internal static class CpuReduce
{
    public const int Lanes = 8;

    public static float Sum(ReadOnlySpan<float> a) => Dot(a, []);

    /// <summary>The dot product of two spans of one length, or the sum of <paramref name="a"/> when <paramref name="b"/> is empty.</summary>
    public static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var weighted = !b.IsEmpty;
        var accumulator = Vector256<float>.Zero;
        var i = 0;
        for (; i + Lanes <= a.Length; i += Lanes)
        {
            var v = Vector256.Create(a.Slice(i));
            accumulator += weighted ? v * Vector256.Create(b.Slice(i)) : v;
        }
        var sum = Vector256.Sum(accumulator);
        for (; i < a.Length; i++) sum += weighted ? a[i] * b[i] : a[i];
        return sum;
    }
}
