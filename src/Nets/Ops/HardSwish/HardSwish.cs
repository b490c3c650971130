using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// hardswish(x) = x clamp(x + 3, 0, 6) / 6 (ONNX HardSwish, torch's hardswish, MobileNetV3), computed in
/// torch's order; NaN propagates. The backward follows hardswish_backward: 0 below -3, dy (x / 3 + 1/2)
/// from -3 to 3 (both included, so -dy/2 at x = -3), dy above 3 (and where x is NaN).
/// </summary>
public static partial class HardSwish
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(BackwardKernel);
    }

    /// <summary>y = x clamp(x + 3, 0, 6) / 6; <paramref name="y"/> may be <paramref name="x"/> (in place).</summary>
    public static void Forward(Tensor x, Tensor y)
    {
        y.RequireShape("hardswish output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length, x.View, y.View);
        else CpuForward(x, y);
    }

    /// <summary>dx = hardswish'(x) dy (torch's convention at the kinks); <paramref name="dx"/> may be <paramref name="dy"/>.</summary>
    public static void Backward(Tensor x, Tensor dy, Tensor dx)
    {
        dy.RequireShape("hardswish output gradient", [.. x.Shape]);
        dx.RequireShape("hardswish input gradient", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(x.Length, x.View, dy.View, dx.View);
        else CpuBackward(x, dy, dx);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y)
    {
        var v = x[i];
        var gate = v + 3f;
        gate = gate < 0f ? 0f : gate > 6f ? 6f : gate;
        y[i] = v * gate / 6f;
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx)
    {
        var v = x[i];
        dx[i] = v < -3f ? 0f : v <= 3f ? dy[i] * (v / 3f + 0.5f) : dy[i];
    }
}
