using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// 2-D batch normalization at inference, as a per-channel affine map over NCHW:
/// y[n, c, h, w] = x[n, c, h, w] * scale[c] + shift[c], with scale and shift folded once from the running
/// statistics (<see cref="Affine"/>). Forward and backward-to-input kernels; weight gradients are not needed.
/// </summary>
public static partial class BatchNorm2d
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(BackwardKernel);
    }

    /// <summary>
    /// PyTorch's eval-mode batch norm (x - mean) / sqrt(variance + eps) * gamma + beta folded into
    /// scale = gamma / sqrt(variance + eps) and shift = beta - mean * scale, computed in double.
    /// </summary>
    public static (float[] Scale, float[] Shift) Affine(float[] gamma, float[] beta, float[] mean, float[] variance, double eps)
    {
        var channels = gamma.Length;
        if (beta.Length != channels || mean.Length != channels || variance.Length != channels)
            throw new ArgumentException(
                $"batch-norm statistics: gamma has {channels} values, beta {beta.Length}, mean {mean.Length}, variance {variance.Length}; all must agree");
        if (!(eps >= 0)) throw new ArgumentException($"batch-norm eps must not be negative, got {eps}");
        var (scale, shift) = (new float[channels], new float[channels]);
        for (var c = 0; c < channels; c++)
        {
            var s = gamma[c] / Math.Sqrt((double)variance[c] + eps);
            scale[c] = (float)s;
            shift[c] = (float)(beta[c] - mean[c] * s);
        }
        return (scale, shift);
    }

    /// <summary>y[n, c, h, w] = x[n, c, h, w] * scale[c] + shift[c]; <paramref name="y"/> may be <paramref name="x"/> (in place).</summary>
    public static void Forward(Tensor x, Tensor scale, Tensor shift, Tensor y)
    {
        x.RequireRank("batch-norm input", 4);
        scale.RequireShape("batch-norm scale", x.C);
        shift.RequireShape("batch-norm shift", x.C);
        y.RequireShape("batch-norm output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length, x.View, scale.View, shift.View, y.View, x.C, x.H * x.W);
        else CpuForward(x, scale, shift, y);
    }

    /// <summary>dx[n, c, h, w] = dy[n, c, h, w] * scale[c]; <paramref name="dx"/> may be <paramref name="dy"/>.</summary>
    public static void BackwardInput(Tensor dy, Tensor scale, Tensor dx)
    {
        dy.RequireRank("batch-norm output gradient", 4);
        scale.RequireShape("batch-norm scale", dy.C);
        dx.RequireShape("batch-norm input gradient", [.. dy.Shape]);
        if (dy.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dy.Length, dy.View, scale.View, dx.View, dy.C, dy.H * dy.W);
        else CpuBackwardInput(dy, scale, dx);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> scale, ArrayView<float> shift, ArrayView<float> y,
        int channels, int plane)
    {
        int index = i;
        var c = index / plane % channels;
        y[index] = x[index] * scale[c] + shift[c];
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> scale, ArrayView<float> dx, int channels, int plane)
    {
        int index = i;
        dx[index] = dy[index] * scale[index / plane % channels];
    }
}
