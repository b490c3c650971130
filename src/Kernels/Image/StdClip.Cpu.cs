using System.Numerics.Tensors;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Kernels.Image;

/// <summary>Std clip on the cpu device.</summary>
public static partial class StdClip
{
    /// <summary>Fixed chunks of the tensor, each split where one image ends and the next begins; every piece is one vector clamp.</summary>
    private static void CpuApply(Tensor x, Tensor stats, float k, Tensor y)
    {
        var itemLength = x.ItemLength;
        CpuParallel.ForRange(x.Device, x.Length, (start, length) =>
        {
            ReadOnlySpan<float> st = stats.Span;
            for (int i = start, end = start + length; i < end;)
            {
                var n = i / itemLength;
                var pieceEnd = Math.Min(end, (n + 1) * itemLength);
                var row = n * ImageStats.Count;
                var mean = st[row + ImageStats.Sum] / itemLength;
                var variance = st[row + ImageStats.SumOfSquares] / itemLength - mean * mean;
                var bound = k * MathF.Sqrt(MathF.Max(variance, 0f));
                TensorPrimitives.Clamp(x.Span[i..pieceEnd], mean - bound, mean + bound, y.Span[i..pieceEnd]);
                i = pieceEnd;
            }
        });
    }
}
