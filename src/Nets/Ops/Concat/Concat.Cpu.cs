using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>Channel concatenation on the cpu device: one contiguous copy per batch item and input.</summary>
public static partial class Concat
{
    private static void CpuForward(IReadOnlyList<Tensor> inputs, Tensor y, Slice[] slices)
    {
        var count = inputs.Count;
        CpuParallel.For(y.Device, y.N * count, y.ItemLength / count + 1, item =>
        {
            var (n, k) = (item / count, item % count);
            var s = slices[k];
            inputs[k].Span.Slice(n * s.Part, s.Part).CopyTo(y.Span.Slice(n * s.Whole + s.Start, s.Part));
        });
    }

    private static void CpuBackwardInput(Tensor dy, IReadOnlyList<Tensor> dxs, Slice[] slices)
    {
        var count = dxs.Count;
        CpuParallel.For(dy.Device, dy.N * count, dy.ItemLength / count + 1, item =>
        {
            var (n, k) = (item / count, item % count);
            var s = slices[k];
            dy.Span.Slice(n * s.Whole + s.Start, s.Part).CopyTo(dxs[k].Span.Slice(n * s.Part, s.Part));
        });
    }
}
