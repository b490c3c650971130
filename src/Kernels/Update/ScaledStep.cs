using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Update;

/// <summary>
/// x -= step * g / scale_n, with the per-image scale read from an <see cref="ImageStats"/> tensor on
/// the device: the mean |g| (DeepDream's normalized step) or the max |g|. No host round trip.
/// </summary>
public static partial class ScaledStep
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, int, int, float> Apply =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, int, int, float>(ApplyKernel);
    }

    /// <summary>x -= step * g / (stats[n, column] / divisor + 1e-8); divisor is the item length for a mean, 1 for a max.</summary>
    public static void Apply(Tensor x, Tensor g, Tensor stats, float step, int column, bool mean)
    {
        g.RequireShape("step gradient", [.. x.Shape]);
        stats.RequireShape("step stats", x.N, ImageStats.Count);
        if (column is < 0 or >= ImageStats.Count) throw new ArgumentOutOfRangeException(nameof(column));
        var divisor = mean ? x.ItemLength : 1f;
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Apply(x.Length, x.View, g.View, stats.View, step, column, x.ItemLength, divisor);
        else CpuApply(x, g, stats, step, column, divisor);
    }

    private static void ApplyKernel(Index1D i, ArrayView<float> x, ArrayView<float> g, ArrayView<float> stats, float step,
        int column, int itemLength, float divisor)
    {
        var scale = stats[i / itemLength * ImageStats.Count + column] / divisor + 1e-8f;
        x[i] -= step * g[i] / scale;
    }
}
