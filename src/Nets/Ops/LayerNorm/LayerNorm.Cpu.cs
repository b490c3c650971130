using System.Numerics.Tensors;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>
/// Layer normalization on the cpu device, a block of positions per work item. Where the normalized run
/// is contiguous (inner = 1: the last axis) each position is a row done with TensorPrimitives; where it
/// is strided (channels of NCHW) a block of neighbouring positions keeps its statistics side by side and
/// walks the normalized axis once per pass, each step a contiguous span.
/// </summary>
public static partial class LayerNorm
{
    private const int Block = 64;

    private delegate void BlockBody(Span<float> mean, Span<float> rstd, int start, int count);

    /// <summary>body(mean, rstd, start, count) for every block of up to <see cref="Block"/> positions sharing an outer index, statistics filled.</summary>
    private static void ForBlocks(Tensor x, Run r, BlockBody body)
    {
        var perOuter = (r.Inner + Block - 1) / Block;
        var outer = x.Length / (r.Side * r.Inner);
        CpuParallel.For(x.Device, outer * perOuter, 4L * Block * r.Side, item =>
        {
            var (o, first) = (item / perOuter, item % perOuter * Block);
            var count = Math.Min(Block, r.Inner - first);
            var start = o * r.Side * r.Inner + first;
            Span<float> mean = stackalloc float[Block];
            Span<float> rstd = stackalloc float[Block];
            mean = mean[..count];
            rstd = rstd[..count];
            var xs = x.Span;
            mean.Clear();
            rstd.Clear();
            for (var d = 0; d < r.Side; d++) TensorPrimitives.Add(mean, xs.Slice(start + d * r.Inner, count), mean);
            TensorPrimitives.Multiply(mean, 1f / r.Side, mean);
            for (var d = 0; d < r.Side; d++)
            {
                var row = xs.Slice(start + d * r.Inner, count);
                for (var j = 0; j < count; j++)
                {
                    var centred = row[j] - mean[j];
                    rstd[j] += centred * centred;
                }
            }
            for (var j = 0; j < count; j++) rstd[j] = 1f / MathF.Sqrt(rstd[j] / r.Side + r.Eps);
            body(mean, rstd, start, count);
        });
    }

    private static void CpuForward(Tensor x, Tensor weight, Tensor bias, Tensor y, Run r)
    {
        if (r.Inner == 1)
        {
            CpuRows(x, r, (row, mean, rstd, o) =>
            {
                var ys = y.Span.Slice(o * r.Side, r.Side);
                TensorPrimitives.Subtract(row, mean, ys);
                TensorPrimitives.Multiply(ys, rstd, ys);
                TensorPrimitives.FusedMultiplyAdd(ys, weight.Span, bias.Span, ys);
            });
            return;
        }
        ForBlocks(x, r, (mean, rstd, start, count) =>
        {
            Span<float> xs = x.Span, ys = y.Span, w = weight.Span, b = bias.Span;
            for (var d = 0; d < r.Side; d++)
            {
                var row = xs.Slice(start + d * r.Inner, count);
                var output = ys.Slice(start + d * r.Inner, count);
                for (var j = 0; j < count; j++) output[j] = (row[j] - mean[j]) * rstd[j] * w[d] + b[d];
            }
        });
    }

    private static void CpuBackward(Tensor x, Tensor weight, Tensor dy, Tensor dx, Run r)
    {
        if (r.Inner == 1)
        {
            CpuRows(x, r, (row, mean, rstd, o) =>
            {
                var g = dx.Span.Slice(o * r.Side, r.Side);
                Span<float> xhat = stackalloc float[r.Side];
                TensorPrimitives.Multiply(dy.Span.Slice(o * r.Side, r.Side), weight.Span, g);
                TensorPrimitives.Subtract(row, mean, xhat);
                TensorPrimitives.Multiply(xhat, rstd, xhat);
                var (meanG, meanGx) = (TensorPrimitives.Sum<float>(g) / r.Side, TensorPrimitives.Dot<float>(g, xhat) / r.Side);
                for (var d = 0; d < r.Side; d++) g[d] = rstd * (g[d] - meanG - xhat[d] * meanGx);
            });
            return;
        }
        ForBlocks(x, r, (mean, rstd, start, count) =>
        {
            Span<float> xs = x.Span, dys = dy.Span, dxs = dx.Span, w = weight.Span;
            Span<float> sumG = stackalloc float[count], sumGx = stackalloc float[count];
            for (var d = 0; d < r.Side; d++)
                for (var j = 0; j < count; j++)
                {
                    var i = start + d * r.Inner + j;
                    var g = dys[i] * w[d];
                    sumG[j] += g;
                    sumGx[j] += g * (xs[i] - mean[j]) * rstd[j];
                }
            for (var d = 0; d < r.Side; d++)
                for (var j = 0; j < count; j++)
                {
                    var i = start + d * r.Inner + j;
                    dxs[i] = rstd[j] * (dys[i] * w[d] - sumG[j] / r.Side - (xs[i] - mean[j]) * rstd[j] * sumGx[j] / r.Side);
                }
        });
    }

    private delegate void RowBody(ReadOnlySpan<float> row, float mean, float rstd, int index);

    /// <summary>body(row, mean, rstd, index) for every contiguous normalized row, rows spread over threads in blocks.</summary>
    private static void CpuRows(Tensor x, Run r, RowBody body)
    {
        var rows = x.Length / r.Side;
        var blocks = (rows + Block - 1) / Block;
        CpuParallel.For(x.Device, blocks, 4L * Block * r.Side, block =>
        {
            for (var o = block * Block; o < Math.Min(rows, (block + 1) * Block); o++)
            {
                var row = x.Span.Slice(o * r.Side, r.Side);
                var mean = TensorPrimitives.Sum<float>(row) / r.Side;
                var squares = 0f;
                foreach (var v in row) squares += (v - mean) * (v - mean);
                body(row, mean, 1f / MathF.Sqrt(squares / r.Side + r.Eps), o);
            }
        });
    }
}
