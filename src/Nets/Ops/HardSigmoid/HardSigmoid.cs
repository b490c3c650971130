using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// ONNX HardSigmoid: y = max(0, min(1, alpha x + beta)); PyTorch's hardsigmoid is alpha 1/6, beta 1/2.
/// NaN propagates (as torch). The backward follows hardsigmoid_backward: dx = alpha dy where
/// 0 &lt; alpha x + beta &lt; 1, 0 at and beyond the kinks (and where x is NaN).
/// </summary>
public static partial class HardSigmoid
{
    /// <summary>PyTorch's slope (ONNX's default is 0.2; torch exports 1/6).</summary>
    public const float TorchAlpha = 1f / 6f;

    /// <summary>PyTorch's offset, also ONNX's default.</summary>
    public const float TorchBeta = 0.5f;

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, float, float> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, float, float>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float>(BackwardKernel);
    }

    /// <summary>y = clamp(alpha x + beta, 0, 1); <paramref name="y"/> may be <paramref name="x"/> (in place).</summary>
    public static void Forward(Tensor x, Tensor y, float alpha = TorchAlpha, float beta = TorchBeta)
    {
        RequireFinite(alpha, beta);
        y.RequireShape("hardsigmoid output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length, x.View, y.View, alpha, beta);
        else CpuForward(x, y, alpha, beta);
    }

    /// <summary>dx = alpha dy where 0 &lt; alpha x + beta &lt; 1, else 0; <paramref name="dx"/> may be <paramref name="dy"/>.</summary>
    public static void Backward(Tensor x, Tensor dy, Tensor dx, float alpha = TorchAlpha, float beta = TorchBeta)
    {
        RequireFinite(alpha, beta);
        dy.RequireShape("hardsigmoid output gradient", [.. x.Shape]);
        dx.RequireShape("hardsigmoid input gradient", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(x.Length, x.View, dy.View, dx.View, alpha, beta);
        else CpuBackward(x, dy, dx, alpha, beta);
    }

    private static void RequireFinite(float alpha, float beta)
    {
        if (!float.IsFinite(alpha) || !float.IsFinite(beta))
            throw new ArgumentException($"hardsigmoid: alpha and beta must be finite, got alpha {alpha} and beta {beta}");
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, float alpha, float beta)
    {
        var z = alpha * x[i] + beta;
        y[i] = z < 0f ? 0f : z > 1f ? 1f : z;
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, float alpha, float beta)
    {
        var z = alpha * x[i] + beta;
        dx[i] = z > 0f && z < 1f ? alpha * dy[i] : 0f;
    }
}
