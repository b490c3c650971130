using DeepVis.Kernels.Runtime;
using ILGPU;
using DeepVis.Kernels.Image;
using ILGPU.Algorithms;
using ILGPU.Algorithms.ScanReduceOperations;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>How ReLU's backward treats inputs below zero.</summary>
public enum ReluGradient
{
    /// <summary>The true gradient: zero where the input is not positive.</summary>
    Standard,

    /// <summary>
    /// The gradient passes through everywhere, as if the unit were linear: a known trick against dead
    /// units in the first steps of activation maximization, where most units start negative.
    /// </summary>
    PassThrough,

    /// <summary>
    /// Lucid's redirected ReLU: the true gradient, except for a batch item whose true gradient vanishes
    /// entirely; there the gradient passes wherever it would not push an already negative input lower
    /// (x &lt; 0 and d loss / dy &gt; 0 is still blocked), so optimization can leave a dead start.
    /// </summary>
    Redirected,
}

/// <summary>ReLU: y = max(x, 0). Forward and backward-to-input kernels.</summary>
public static partial class Relu
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(BackwardKernel);

        public readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int> Redirected =
            a.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int>(RedirectedKernel);
    }

    /// <summary>y = max(x, 0); <paramref name="y"/> may be <paramref name="x"/> (in place).</summary>
    public static void Forward(Tensor x, Tensor y)
    {
        y.RequireShape("relu output", [.. x.Shape]);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(x.Length, x.View, y.View);
        else CpuForward(x, y);
    }

    /// <summary>dx = dy where x &gt; 0 (everywhere with <see cref="ReluGradient.PassThrough"/>), else 0.</summary>
    public static void Backward(Tensor x, Tensor dy, Tensor dx, ReluGradient mode = ReluGradient.Standard)
    {
        dy.RequireShape("relu output gradient", [.. x.Shape]);
        dx.RequireShape("relu input gradient", [.. x.Shape]);
        if (mode == ReluGradient.Redirected)
        {
            if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Redirected(new KernelConfig(x.N, GroupReduce.GroupSize(x.Device)),
                x.View, dy.View, dx.View, x.ItemLength);
            else CpuRedirected(x, dy, dx);
        }
        else if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(x.Length, x.View, dy.View, dx.View, (int)mode);
        else CpuBackward(x, dy, dx, mode);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y) =>
        y[i] = XMath.Max(x[i], 0f);

    /// <summary>One group per batch item: whether its true gradient vanishes (a group sum), then the choice per element.</summary>
    private static void RedirectedKernel(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, int itemLength)
    {
        var scratch = SharedMemory.Allocate<float>(GroupReduce.MaxGroupSize);
        var start = Grid.IdxX * itemLength;
        var sum = 0f;
        for (var i = Group.IdxX; i < itemLength; i += Group.DimX)
            if (x[start + i] > 0f) sum += XMath.Abs(dy[start + i]);
        var vanished = GroupReduce.Reduce<float, AddFloat>(scratch, sum) == 0f;
        for (var i = Group.IdxX; i < itemLength; i += Group.DimX)
            dx[start + i] = Redirect(x[start + i], dy[start + i], vanished);
    }

    private static float Redirect(float x, float dy, bool vanished) =>
        x > 0f || (vanished && !(x < 0f && dy > 0f)) ? dy : 0f;

    private static void BackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, int mode) =>
        dx[i] = mode == (int)ReluGradient.PassThrough || x[i] > 0f ? dy[i] : 0f;
}
