using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Clip to [min, max]: PyTorch's hardtanh, ReLU6 (MobileNetV2) with min 0 and max 6. NaN propagates
/// (as torch.clamp). Forward and backward-to-input kernels; the backward follows hardtanh_backward: dy
/// passes where min &lt; x &lt; max (and where x is NaN), 0 at and beyond the bounds, or everywhere with
/// <see cref="ReluGradient.PassThrough"/>.
/// </summary>
public static partial class Clip
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float, float> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, float>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, int>(BackwardKernel);
    }

    /// <summary>y = min(max(x, min), max); <paramref name="y"/> may be <paramref name="x"/> (in place).</summary>
    public static void Forward(Tensor x, Tensor y, float min, float max)
    {
        RequireBounds(min, max);
        y.RequireShape("clip output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length, x.View, y.View, min, max);
        else CpuForward(x, y, min, max);
    }

    /// <summary>dx = dy where min &lt; x &lt; max (everywhere with <see cref="ReluGradient.PassThrough"/>), else 0; <paramref name="dx"/> may be <paramref name="dy"/>.</summary>
    public static void BackwardInput(Tensor x, Tensor dy, Tensor dx, float min, float max, ReluGradient mode = ReluGradient.Standard)
    {
        RequireBounds(min, max);
        dy.RequireShape("clip output gradient", [.. x.Shape]);
        dx.RequireShape("clip input gradient", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(x.Length, x.View, dy.View, dx.View, min, max, (int)mode);
        else CpuBackwardInput(x, dy, dx, min, max, mode);
    }

    private static void RequireBounds(float min, float max)
    {
        if (!(min <= max)) throw new ArgumentException($"clip: min must not exceed max, got min {min} and max {max}");
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, float min, float max)
    {
        var v = x[i];
        y[i] = v < min ? min : v > max ? max : v;
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, float min, float max, int mode)
    {
        var v = x[i];
        dx[i] = mode != (int)ReluGradient.PassThrough && (v <= min || v >= max) ? 0f : dy[i];
    }
}
