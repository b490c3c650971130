using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// tanh, forward and backward-to-input kernels; the backward reads the forward's output, as torch's
/// tanh_backward: dx = dy (1 - y^2).
/// </summary>
public static partial class Tanh
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(BackwardKernel);
    }

    /// <summary>y = tanh(x); <paramref name="y"/> may be <paramref name="x"/> (in place).</summary>
    public static void Forward(Tensor x, Tensor y)
    {
        y.RequireShape("tanh output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length, x.View, y.View);
        else CpuForward(x, y);
    }

    /// <summary>dx = dy (1 - y^2), <paramref name="y"/> the forward's output; <paramref name="dx"/> may be <paramref name="dy"/>.</summary>
    public static void Backward(Tensor y, Tensor dy, Tensor dx)
    {
        dy.RequireShape("tanh output gradient", [.. y.Shape]);
        dx.RequireShape("tanh input gradient", [.. y.Shape]);
        if (y.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(y.Length, y.View, dy.View, dx.View);
        else CpuBackward(y, dy, dx);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y) => y[i] = XMath.Tanh(x[i]);

    private static void BackwardKernel(Index1D i, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx) =>
        dx[i] = dy[i] * (1f - y[i] * y[i]);
}
