using System.Collections.Concurrent;
using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>SpectralScale on the cpu device: the H x (W/2 + 1) weights once, then a multiply per plane.</summary>
public static partial class SpectralScale
{
    private static readonly ConcurrentDictionary<Weights, float[]> Tables = new();

    /// <summary>The weights of one spectrum plane, made once per size, decay and gain (a render's loop allocates nothing).</summary>
    private static float[] Table(Weights w)
    {
        var table = new float[w.Height * w.Columns];
        for (var ky = 0; ky < w.Height; ky++)
            for (var kx = 0; kx < w.Columns; kx++) table[ky * w.Columns + kx] = Weight(ky, kx, w);
        return table;
    }

    private static void CpuApply(Tensor x, Tensor y, Weights w)
    {
        var table = Tables.GetOrAdd(w, Table);
        var plane = 2 * table.Length;
        CpuParallel.For(x.Device, x.Length / plane, plane, p =>
        {
            var input = x.Span.Slice(p * plane, plane);
            var output = y.Span.Slice(p * plane, plane);
            for (var j = 0; j < plane; j++) output[j] = table[j / 2] * input[j];
        });
    }
}
