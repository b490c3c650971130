using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>Permutations on the cpu device: one output row (the last axis) at a time, read with the input's stride along it.</summary>
public static partial class Transpose
{
    private static void CpuPermute(Tensor x, Tensor y, Layout p)
    {
        var rows = x.Length / p.D5;
        CpuParallel.For(x.Device, rows, p.D5, row =>
        {
            var xs = x.Span;
            var ys = y.Span.Slice(row * p.D5, p.D5);
            var source = RowSource(row, p);
            for (var j = 0; j < ys.Length; j++) ys[j] = xs[source + j * p.S5];
        });
    }
}
