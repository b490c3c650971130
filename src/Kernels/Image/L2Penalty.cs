using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The L2 penalty of class model visualization (Simonyan et al.: maximize S_c(I) - lambda ||I||^2)
/// and the L2 decay regularizer applied between steps (x *= 1 - factor).
/// Value per image, its gradient (accumulated into the image gradient) and the decay.
/// </summary>
public static partial class L2Penalty
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float> Value =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(ValueKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float> AddGradient =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float>(AddGradientKernel);

        public readonly Action<Index1D, ArrayView<float>, float> Scale =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(ScaleKernel);
    }

    /// <summary>
    /// value[n] = lambda * sum_i x[n, i]^2, read from the sum-of-squares column of
    /// <paramref name="stats"/> ([N, ImageStats.Count], from <see cref="ImageStats.Compute"/>); <paramref name="value"/> is [N].
    /// </summary>
    public static void Value(Tensor stats, float lambda, Tensor value)
    {
        RequireFinite(lambda, nameof(lambda));
        stats.RequireShape("l2 penalty stats", stats.N, ImageStats.Count);
        value.RequireShape("l2 penalty value", stats.N);
        if (stats.Device.Ilgpu<Loaded>() is { } kernels) kernels.Value(stats.N, stats.View, value.View, lambda);
        else CpuValue(stats, lambda, value);
    }

    /// <summary>
    /// value[n] = lambda * sum_i x[n, i]^2, computing <see cref="ImageStats"/> of <paramref name="x"/>
    /// into <paramref name="stats"/> ([N, ImageStats.Count], caller-owned scratch) first.
    /// </summary>
    public static void Value(Tensor x, Tensor stats, float lambda, Tensor value)
    {
        RequireFinite(lambda, nameof(lambda));
        value.RequireShape("l2 penalty value", x.N);
        ImageStats.Compute(x, stats);
        Value(stats, lambda, value);
    }

    /// <summary>grad += 2 lambda x: the gradient of <see cref="Value(Tensor, float, Tensor)"/> with every per-image weight 1.</summary>
    public static void AddGradient(Tensor x, Tensor grad, float lambda)
    {
        RequireFinite(lambda, nameof(lambda));
        grad.RequireShape("l2 penalty gradient", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.AddGradient(x.Length, x.View, grad.View, 2f * lambda);
        else CpuAddGradient(x, grad, 2f * lambda);
    }

    /// <summary>x *= 1 - factor, in place: the L2 decay regularizer between steps; <paramref name="factor"/> in [0, 1].</summary>
    public static void Decay(Tensor x, float factor)
    {
        if (!(factor >= 0f && factor <= 1f))
            throw new ArgumentException($"l2 decay: factor must lie in [0, 1], got {factor}", nameof(factor));
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Scale(x.Length, x.View, 1f - factor);
        else CpuScale(x, 1f - factor);
    }

    private static void RequireFinite(float value, string name)
    {
        if (!float.IsFinite(value))
            throw new ArgumentException($"l2 penalty: {name} must be finite, got {value}", name);
    }

    private static void ValueKernel(Index1D n, ArrayView<float> stats, ArrayView<float> value, float lambda) =>
        value[n] = lambda * stats[n * ImageStats.Count + ImageStats.SumOfSquares];

    private static void AddGradientKernel(Index1D i, ArrayView<float> x, ArrayView<float> grad, float twoLambda) =>
        grad[i] += twoLambda * x[i];

    private static void ScaleKernel(Index1D i, ArrayView<float> x, float scale) => x[i] *= scale;
}
