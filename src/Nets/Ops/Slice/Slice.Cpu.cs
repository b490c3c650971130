using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>Slices on the cpu device: one contiguous copy of the inner axes per position taken (or cleared).</summary>
public static partial class Slice
{
    private static void CpuForward(Tensor x, Tensor y, Run r)
    {
        var outer = y.Length / (r.Count * r.Inner);
        CpuParallel.For(x.Device, outer * r.Count, r.Inner, row =>
        {
            var (o, j) = (row / r.Count, row % r.Count);
            x.Span.Slice((o * r.Side + r.Start + j * r.Step) * r.Inner, r.Inner).CopyTo(y.Span.Slice(row * r.Inner, r.Inner));
        });
    }

    private static void CpuBackward(Tensor dy, Tensor dx, Run r)
    {
        var outer = dx.Length / (r.Side * r.Inner);
        CpuParallel.For(dx.Device, outer * r.Side, r.Inner, row =>
        {
            var (o, d) = (row / r.Side, row % r.Side - r.Start);
            var target = dx.Span.Slice(row * r.Inner, r.Inner);
            if (d >= 0 && d % r.Step == 0 && d / r.Step < r.Count) dy.Span.Slice((o * r.Count + d / r.Step) * r.Inner, r.Inner).CopyTo(target);
            else target.Clear();
        });
    }
}
