using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Unary;

/// <summary>
/// The forward and backward-to-input kernels of every element-wise function (<see cref="IUnaryFunction"/>):
/// one ILGPU kernel pair and one SIMD loop on the cpu device, specialized per function type.
/// </summary>
public static partial class UnaryKernels
{
    private sealed class Loaded<TFunction>(Accelerator a) : IKernelSet<Loaded<TFunction>> where TFunction : struct, IUnaryFunction
    {
        public static Loaded<TFunction> Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, TFunction> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, TFunction>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, TFunction> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, TFunction>(BackwardKernel);
    }

    /// <summary>y = f(x); <paramref name="y"/> may be <paramref name="x"/> (in place).</summary>
    public static void Forward<TFunction>(TFunction function, Tensor x, Tensor y) where TFunction : struct, IUnaryFunction
    {
        y.RequireShape($"{function.Name} output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded<TFunction>>() is { } kernels) kernels.Forward(x.Length, x.View, y.View, function);
        else CpuForward(function, x, y);
    }

    /// <summary>
    /// dx = f'(x) dy, with <paramref name="y"/> the forward's output from <paramref name="x"/>;
    /// <paramref name="dx"/> may be <paramref name="dy"/>. A caller that kept only the output passes it
    /// as <paramref name="x"/> too, which functions whose derivative is written in y allow.
    /// </summary>
    public static void Backward<TFunction>(TFunction function, Tensor x, Tensor y, Tensor dy, Tensor dx) where TFunction : struct, IUnaryFunction
    {
        y.RequireShape($"{function.Name} output", [.. x.Shape]);
        dy.RequireShape($"{function.Name} output gradient", [.. x.Shape]);
        dx.RequireShape($"{function.Name} input gradient", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded<TFunction>>() is { } kernels) kernels.Backward(x.Length, x.View, y.View, dy.View, dx.View, function);
        else CpuBackward(function, x, y, dy, dx);
    }

    private static void ForwardKernel<TFunction>(Index1D i, ArrayView<float> x, ArrayView<float> y, TFunction function)
        where TFunction : struct, IUnaryFunction => y[i] = function.Forward(x[i]);

    private static void BackwardKernel<TFunction>(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> dy, ArrayView<float> dx,
        TFunction function) where TFunction : struct, IUnaryFunction => dx[i] = function.Backward(x[i], y[i], dy[i]);
}
