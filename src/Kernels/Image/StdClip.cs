using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Clips each image to its mean +- k standard deviations: the original inversion tools' "gradient clip at k std"
/// (applied to the input gradient before the update) and "pixel clip at k std" (applied to the image
/// after it). The mean and the population standard deviation come from an <see cref="ImageStats"/>
/// tensor already on the device: mean = sum / M, std = sqrt(max(sumsq / M - mean^2, 0)), M the
/// elements per image.
/// </summary>
/// <remarks>
/// Only a forward kernel: the clip is a projection applied between optimization steps, never part of
/// the differentiated objective, so nothing needs its backward. The variance comes from float sums
/// (sumsq / M - mean^2), which loses precision when |mean| is much larger than std; the images and
/// gradients it is used on are centred (mean near 0), where this does not matter.
/// </remarks>
public static partial class StdClip
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float> Apply =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float>(ApplyKernel);
    }

    /// <summary>
    /// y[n, i] = clamp(x[n, i], mean_n - k std_n, mean_n + k std_n), with mean and std from
    /// <paramref name="stats"/> ([N, ImageStats.Count], as written by <see cref="ImageStats.Compute"/> for
    /// <paramref name="x"/>). <paramref name="y"/> may be <paramref name="x"/> (in place).
    /// </summary>
    public static void Apply(Tensor x, Tensor stats, float k, Tensor y)
    {
        RequireK(k);
        stats.RequireShape("std clip stats", x.N, ImageStats.Count);
        y.RequireShape("std clip output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Apply(x.Length, x.View, stats.View, y.View, x.ItemLength, k);
        else CpuApply(x, stats, k, y);
    }

    /// <summary>
    /// Clips <paramref name="x"/> in place to mean +- k std of its own current values: computes
    /// <see cref="ImageStats"/> into <paramref name="stats"/> ([N, ImageStats.Count], caller-owned scratch), then clips.
    /// </summary>
    public static void ApplyInPlace(Tensor x, Tensor stats, float k)
    {
        RequireK(k);
        ImageStats.Compute(x, stats);
        Apply(x, stats, k, x);
    }

    private static void RequireK(float k)
    {
        if (!float.IsFinite(k) || k < 0f)
            throw new ArgumentException($"std clip: k must be a finite number >= 0, got {k}", nameof(k));
    }

    private static void ApplyKernel(Index1D i, ArrayView<float> x, ArrayView<float> stats, ArrayView<float> y,
        int itemLength, float k)
    {
        var row = i / itemLength * ImageStats.Count;
        var mean = stats[row + ImageStats.Sum] / itemLength;
        var variance = stats[row + ImageStats.SumOfSquares] / itemLength - mean * mean;
        var bound = k * XMath.Sqrt(XMath.Max(variance, 0f));
        y[i] = XMath.Clamp(x[i], mean - bound, mean + bound);
    }
}
