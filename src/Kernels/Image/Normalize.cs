using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Per-channel statistics of a network's input (for example ImageNet's mean and std), uploaded once
/// as two device tensors of shape [C]. Owns the tensors; dispose it to free them.
/// </summary>
public sealed class ChannelStats : IDisposable
{
    public ChannelStats(Device device, float[] mean, float[] std)
    {
        if (mean.Length == 0 || mean.Length != std.Length)
            throw new ArgumentException(
                $"channel stats: mean and std need the same positive length, got {mean.Length} and {std.Length} values");
        for (var c = 0; c < std.Length; c++)
        {
            if (!float.IsFinite(mean[c]))
                throw new ArgumentException($"channel stats: mean[{c}] must be finite, got {mean[c]}", nameof(mean));
            if (!(std[c] > 0f) || !float.IsFinite(std[c]))
                throw new ArgumentException($"channel stats: std[{c}] must be positive and finite, got {std[c]}", nameof(std));
        }
        var meanCopy = (float[])mean.Clone();
        var stdCopy = (float[])std.Clone();
        MeanValues = meanCopy;
        StdValues = stdCopy;
        Mean = Tensor.FromArray(device, meanCopy, mean.Length);
        try
        {
            Std = Tensor.FromArray(device, stdCopy, std.Length);
        }
        catch
        {
            Mean.Dispose();
            throw;
        }
    }

    public int Channels => MeanValues.Count;

    /// <summary>Device tensor of shape [C].</summary>
    public Tensor Mean { get; }

    /// <summary>Device tensor of shape [C].</summary>
    public Tensor Std { get; }

    /// <summary>Host copies of the values, for clipping bounds and messages.</summary>
    public IReadOnlyList<float> MeanValues { get; }

    public IReadOnlyList<float> StdValues { get; }

    public void Dispose()
    {
        Mean.Dispose();
        Std.Dispose();
    }
}

/// <summary>
/// Per-channel normalization of NCHW images, y = (x - mean[c]) / std[c], and its inverse
/// x = y * std[c] + mean[c], each with its backward. Element-wise: every output may be its input (in place).
/// </summary>
public static partial class Normalize
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float> Clamp =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, float>(ClampKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Inverse =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(InverseKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Divide =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(DivideKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Multiply =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(MultiplyKernel);
    }

    /// <summary>y = (x - mean[c]) / std[c].</summary>
    public static void Forward(Tensor x, ChannelStats stats, Tensor y)
    {
        Check(x, y, stats, "normalize input", "normalize output");
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length, x.View, stats.Mean.View, stats.Std.View, y.View, x.H * x.W, x.C);
        else CpuForward(x, stats, y);
    }

    /// <summary>dx = dy / std[c]: the gradient of <see cref="Forward"/>.</summary>
    public static void Backward(Tensor dy, ChannelStats stats, Tensor dx)
    {
        Check(dy, dx, stats, "normalize output gradient", "normalize input gradient");
        if (dy.Device.Ilgpu<Loaded>() is { } kernels) kernels.Divide(dy.Length, dy.View, stats.Std.View, dx.View, dy.H * dy.W, dy.C);
        else CpuDivide(dy, stats, dx);
    }

    /// <summary>x = y * std[c] + mean[c]: the inverse of <see cref="Forward"/>.</summary>
    public static void Denormalize(Tensor y, ChannelStats stats, Tensor x)
    {
        Check(y, x, stats, "denormalize input", "denormalize output");
        if (y.Device.Ilgpu<Loaded>() is { } kernels) kernels.Inverse(y.Length, y.View, stats.Mean.View, stats.Std.View, x.View, y.H * y.W, y.C);
        else CpuDenormalize(y, stats, x);
    }

    /// <summary>dy = dx * std[c]: the gradient of <see cref="Denormalize"/>.</summary>
    public static void DenormalizeBackward(Tensor dx, ChannelStats stats, Tensor dy)
    {
        Check(dx, dy, stats, "denormalize output gradient", "denormalize input gradient");
        if (dx.Device.Ilgpu<Loaded>() is { } kernels) kernels.Multiply(dx.Length, dx.View, stats.Std.View, dy.View, dx.H * dx.W, dx.C);
        else CpuMultiply(dx, stats, dy);
    }

    private static void Check(Tensor input, Tensor output, ChannelStats stats, string inputName, string outputName)
    {
        input.RequireRank(inputName, 4);
        output.RequireShape(outputName, [.. input.Shape]);
        if (input.C != stats.Channels)
            throw new ShapeException(
                $"{inputName}: expected {stats.Channels} channels to match the mean and std of shape [{stats.Channels}], got shape {input.ShapeText}");
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> std,
        ArrayView<float> y, int planeSize, int channels)
    {
        int index = i;
        var c = index / planeSize % channels;
        y[index] = (x[index] - mean[c]) / std[c];
    }

    private static void InverseKernel(Index1D i, ArrayView<float> y, ArrayView<float> mean, ArrayView<float> std,
        ArrayView<float> x, int planeSize, int channels)
    {
        int index = i;
        var c = index / planeSize % channels;
        x[index] = y[index] * std[c] + mean[c];
    }

    private static void DivideKernel(Index1D i, ArrayView<float> input, ArrayView<float> std, ArrayView<float> output,
        int planeSize, int channels)
    {
        int index = i;
        output[index] = input[index] / std[index / planeSize % channels];
    }

    private static void MultiplyKernel(Index1D i, ArrayView<float> input, ArrayView<float> std, ArrayView<float> output,
        int planeSize, int channels)
    {
        int index = i;
        output[index] = input[index] * std[index / planeSize % channels];
    }

    /// <summary>
    /// Keeps a normalized image displayable: clamps x * std[c] + mean[c] to [0, range] and normalizes
    /// back, in place (range is the model's input range: 1, or 255 for Caffe-style models).
    /// </summary>
    public static void ClampToPixelRange(Tensor x, ChannelStats stats, float range)
    {
        x.RequireRank("clamped image", 4);
        if (x.C != stats.Channels) throw new ShapeException($"clamped image: expected {stats.Channels} channels, got shape {x.ShapeText}");
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Clamp(x.Length, x.View, stats.Mean.View, stats.Std.View, x.C, x.H * x.W, range);
        else CpuClamp(x, stats, range);
    }

    private static void ClampKernel(Index1D i, ArrayView<float> x, ArrayView<float> mean, ArrayView<float> std, int channels,
        int plane, float range)
    {
        var c = i / plane % channels;
        var pixel = x[i] * std[c] + mean[c];
        x[i] = (ILGPU.Algorithms.XMath.Clamp(pixel, 0f, range) - mean[c]) / std[c];
    }
}
