using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// The logistic squashing of parameters into the pixel range (Lucid's to_valid_rgb): y = 1 / (1 + e^-x),
/// and its gradient dx = dy y (1 - y) from the forward's output.
/// </summary>
public static partial class Sigmoid
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(BackwardKernel);
    }

    /// <summary>y = sigmoid(x); y may be x.</summary>
    public static void Forward(Tensor x, Tensor y)
    {
        y.RequireShape("sigmoid output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length, x.View, y.View);
        else CpuForward(x, y);
    }

    /// <summary>dx = dy y (1 - y), <paramref name="y"/> the forward's output; dx may be dy.</summary>
    public static void Backward(Tensor y, Tensor dy, Tensor dx)
    {
        dy.RequireShape("sigmoid output gradient", [.. y.Shape]);
        dx.RequireShape("sigmoid input gradient", [.. y.Shape]);
        if (y.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(y.Length, y.View, dy.View, dx.View);
        else CpuBackward(y, dy, dx);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = 1f / (1f + XMath.Exp(-x[i]));

    private static void BackwardKernel(Index1D i, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx) =>
        dx[i] = dy[i] * y[i] * (1f - y[i]);
}
