using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Element-wise sum of two tensors of one shape (ResNet's residual add, MobileNetV2's inverted residual),
/// and the accumulation a graph's backward uses to sum the gradients of a value read more than once.
/// The add's backward to either input is dy itself: no kernel.
/// </summary>
public static partial class Add
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>>(ForwardKernel);
    }

    /// <summary>y = a + b (same shape); <paramref name="y"/> may be <paramref name="a"/> or <paramref name="b"/>.</summary>
    public static void Forward(Tensor a, Tensor b, Tensor y)
    {
        b.RequireShape("add second operand", [.. a.Shape]);
        y.RequireShape("add output", [.. a.Shape]);
        if (a.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(a.Length, a.View, b.View, y.View);
        else CpuForward(a, b, y);
    }

    /// <summary>target += source (same shape): sums the gradients of a value read by several nodes. <see cref="Arithmetic.Axpy"/> with 1.</summary>
    public static void Accumulate(Tensor source, Tensor target)
    {
        target.RequireShape("gradient accumulator", [.. source.Shape]);
        Arithmetic.Axpy(1f, source, target);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y) => y[i] = a[i] + b[i];
}
