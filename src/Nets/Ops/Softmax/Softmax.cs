using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Softmax over the feature axis of an [N, F] tensor, with the row maximum subtracted before the
/// exponential. Forward, and backward-to-input from the forward output; one thread per row.
/// </summary>
public static partial class Softmax
{
    internal sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, int, int> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, int, int>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int>(BackwardKernel);
    }

    /// <summary>y[n, f] = exp(x[n, f] - max) / sum over f' of exp(x[n, f'] - max); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Forward(Tensor x, Tensor y) => Launch(x, y, "softmax", log: false);

    /// <summary>dx = y * (dy - sum over the row of dy * y), from the forward output <paramref name="y"/>.</summary>
    public static void Backward(Tensor y, Tensor dy, Tensor dx) => LaunchBackward(y, dy, dx, "softmax", log: false);

    internal static void Launch(Tensor x, Tensor y, string what, bool log)
    {
        x.RequireRank($"{what} input", 2);
        y.RequireShape($"{what} output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.N, x.View, y.View, x.ItemLength, log ? 1 : 0);
        else CpuForward(x, y, log);
    }

    internal static void LaunchBackward(Tensor y, Tensor dy, Tensor dx, string what, bool log)
    {
        y.RequireRank($"{what} output", 2);
        dy.RequireShape($"{what} output gradient", [.. y.Shape]);
        dx.RequireShape($"{what} input gradient", [.. y.Shape]);
        if (y.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(y.N, y.View, dy.View, dx.View, y.ItemLength, log ? 1 : 0);
        else CpuBackward(y, dy, dx, log);
    }

    private static void ForwardKernel(Index1D row, ArrayView<float> x, ArrayView<float> y, int features, int log)
    {
        int start = row * features;
        var max = float.NegativeInfinity;
        for (var f = 0; f < features; f++) max = XMath.Max(max, x[start + f]);
        var sum = 0f;
        for (var f = 0; f < features; f++) sum += XMath.Exp(x[start + f] - max);
        if (log != 0)
        {
            var shift = max + XMath.Log(sum);
            for (var f = 0; f < features; f++) y[start + f] = x[start + f] - shift;
        }
        else
        {
            var scale = 1f / sum;
            for (var f = 0; f < features; f++) y[start + f] = XMath.Exp(x[start + f] - max) * scale;
        }
    }

    private static void BackwardKernel(Index1D row, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx, int features, int log)
    {
        int start = row * features;
        var dot = 0f;
        if (log != 0)
        {
            // y = log softmax: dx = dy - softmax * sum(dy).
            for (var f = 0; f < features; f++) dot += dy[start + f];
            for (var f = 0; f < features; f++) dx[start + f] = dy[start + f] - XMath.Exp(y[start + f]) * dot;
        }
        else
        {
            for (var f = 0; f < features; f++) dot += dy[start + f] * y[start + f];
            for (var f = 0; f < features; f++) dx[start + f] = y[start + f] * (dy[start + f] - dot);
        }
    }
}

/// <summary>
/// Log-softmax over the feature axis of an [N, F] tensor: x - max - log(sum of exp(x - max)).
/// Forward, and backward-to-input from the forward output; one thread per row.
/// </summary>
public static class LogSoftmax
{
    /// <summary>y[n, f] = x[n, f] - max - log(sum over f' of exp(x[n, f'] - max)); <paramref name="y"/> may be <paramref name="x"/>.</summary>
    public static void Forward(Tensor x, Tensor y) => Softmax.Launch(x, y, "log-softmax", log: true);

    /// <summary>dx = dy - exp(y) * sum over the row of dy, from the forward output <paramref name="y"/>.</summary>
    public static void Backward(Tensor y, Tensor dy, Tensor dx) => Softmax.LaunchBackward(y, dy, dx, "log-softmax", log: true);
}
