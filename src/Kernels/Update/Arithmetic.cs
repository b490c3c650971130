using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Update;

/// <summary>Element-wise tensor arithmetic the optimization loop needs: y += a*x (one a, or one per item), y = b*y + x (momentum) and y = a - b.</summary>
public static partial class Arithmetic
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, float, ArrayView<float>, ArrayView<float>> Axpy =
            a.LoadAutoGroupedStreamKernel<Index1D, float, ArrayView<float>, ArrayView<float>>(AxpyKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> AxpyPerItem =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(AxpyPerItemKernel);

        public readonly Action<Index1D, float, ArrayView<float>, ArrayView<float>> ScaleAdd =
            a.LoadAutoGroupedStreamKernel<Index1D, float, ArrayView<float>, ArrayView<float>>(ScaleAddKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> Subtract =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(SubtractKernel);
    }

    /// <summary>y += alpha * x.</summary>
    public static void Axpy(float alpha, Tensor x, Tensor y)
    {
        y.RequireShape("axpy accumulator", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Axpy(x.Length, alpha, x.View, y.View);
        else CpuAxpy(alpha, x, y);
    }

    /// <summary>y[n, ...] += alpha[n] * x[n, ...], with one factor per batch item on the device.</summary>
    public static void AxpyPerItem(Tensor alpha, Tensor x, Tensor y)
    {
        alpha.RequireShape("per-item factors", x.N);
        y.RequireShape("axpy accumulator", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.AxpyPerItem(x.Length, alpha.View, x.View, y.View, x.ItemLength);
        else CpuAxpyPerItem(alpha, x, y);
    }

    /// <summary>y = beta * y + x: a momentum buffer's update (PyTorch's SGD without dampening).</summary>
    public static void ScaleAdd(float beta, Tensor x, Tensor y)
    {
        y.RequireShape("momentum buffer", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.ScaleAdd(x.Length, beta, x.View, y.View);
        else CpuScaleAdd(beta, x, y);
    }

    /// <summary>y = a - b; y may be a or b.</summary>
    public static void Subtract(Tensor a, Tensor b, Tensor y)
    {
        b.RequireShape("subtrahend", [.. a.Shape]);
        y.RequireShape("difference", [.. a.Shape]);
        if (a.Device.Ilgpu<Loaded>() is { } kernels) kernels.Subtract(a.Length, a.View, b.View, y.View);
        else CpuSubtract(a, b, y);
    }

    private static void AxpyKernel(Index1D i, float alpha, ArrayView<float> x, ArrayView<float> y) => y[i] += alpha * x[i];

    private static void AxpyPerItemKernel(Index1D i, ArrayView<float> alpha, ArrayView<float> x, ArrayView<float> y, int itemLength) =>
        y[i] += alpha[i / itemLength] * x[i];

    private static void ScaleAddKernel(Index1D i, float beta, ArrayView<float> x, ArrayView<float> y) => y[i] = beta * y[i] + x[i];

    private static void SubtractKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y) => y[i] = a[i] - b[i];
}
