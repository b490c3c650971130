using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The alpha-norm prior of Mahendran &amp; Vedaldi, per image: N_alpha(x_n) = sum_i |x[n, i]|^alpha.
/// A large alpha (6 in the paper) leaves moderate pixels alone and pulls in the extreme ones, keeping
/// an inversion inside the natural range. Value kernel (one grouped launch, one group per image) and
/// its gradient alpha |x|^(alpha - 1) sign(x), accumulated into the image gradient.
/// </summary>
/// <remarks>alpha &gt;= 1: below 1 the gradient is infinite at 0.</remarks>
public static partial class AlphaNorm
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, float> Value =
            a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, float>(ValueKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float, float> AddGradient =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, float>(AddGradientKernel);
    }

    /// <summary>value[n] = sum over batch item n of |x|^alpha; <paramref name="value"/> is [N].</summary>
    public static void Value(Tensor x, Tensor value, float alpha)
    {
        RequireAlpha(alpha);
        value.RequireShape("alpha norm value", x.N);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Value(new KernelConfig(x.N, GroupReduce.GroupSize(x.Device)),
            x.View, value.View, x.ItemLength, alpha);
        else CpuValue(x, value, alpha);
    }

    /// <summary>grad += scale * d N_alpha / d x = scale * alpha |x|^(alpha - 1) sign(x).</summary>
    public static void AddGradient(Tensor x, Tensor grad, float scale, float alpha)
    {
        RequireAlpha(alpha);
        if (!float.IsFinite(scale)) throw new ArgumentException($"alpha norm: scale must be finite, got {scale}", nameof(scale));
        grad.RequireShape("alpha norm gradient", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.AddGradient(x.Length, x.View, grad.View, scale * alpha, alpha - 1f);
        else CpuAddGradient(x, grad, scale * alpha, alpha - 1f);
    }

    private static void RequireAlpha(float alpha)
    {
        if (!float.IsFinite(alpha) || alpha < 1f)
            throw new ArgumentException($"alpha norm: alpha must be a finite number >= 1, got {alpha}", nameof(alpha));
    }

    private static void ValueKernel(ArrayView<float> x, ArrayView<float> value, int itemLength, float alpha)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        var start = Grid.IdxX * itemLength;
        var sum = 0f;
        for (var i = Group.IdxX; i < itemLength; i += Group.DimX) sum += XMath.Pow(XMath.Abs(x[start + i]), alpha);
        sum = GroupReduce.Reduce<float, AddFloat>(scratch, sum);
        if (Group.IsFirstThread) value[Grid.IdxX] = sum;
    }

    private static void AddGradientKernel(Index1D i, ArrayView<float> x, ArrayView<float> grad, float scaleAlpha, float power)
    {
        var v = x[i];
        // sign(0) = 0 also covers alpha = 1, where |x|^0 would be 1 at 0.
        if (v != 0f) grad[i] += scaleAlpha * XMath.Pow(XMath.Abs(v), power) * (v > 0f ? 1f : -1f);
    }
}
