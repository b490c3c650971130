using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Runtime;

/// <summary>Element-wise kernels every tensor needs (fill).</summary>
internal static class TensorKernels
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, float> Fill =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, float>(FillKernel);
    }

    public static void Fill(Tensor t, float value)
    {
        if (t.Device.Ilgpu<Loaded>() is { } kernels) kernels.Fill(t.Length, t.View, value);
        else t.Span.Fill(value);
    }

    private static void FillKernel(Index1D i, ArrayView<float> data, float value) => data[i] = value;
}
