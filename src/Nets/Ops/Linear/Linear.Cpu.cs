using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using static DeepVis.Kernels.Cpu.CpuGemm;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>
/// Linear layers on the cpu device. Both directions stream the weight once (at batch 1 they are bound
/// by memory bandwidth, not arithmetic): the forward takes a block of weight rows per work item and
/// dots each with up to four batch items at a time; the backward takes a slice of input features and a
/// block of up to 64 rows per item and adds dy[n, o] * W[o, slice] over o in order, the slice of dx
/// staying in L1 (the same sums in the same order however the rows are blocked).
/// </summary>
public static unsafe partial class Linear
{
    private const int RowsPerItem = 16;
    private const int FeaturesPerItem = 512;
    private const int RowsPerBlock = 64;

    private static void CpuForward(Tensor x, Tensor weight, Tensor? bias, Tensor y, int inputs, int outputs)
    {
        var batch = x.Length / inputs;
        var blocks = (outputs + RowsPerItem - 1) / RowsPerItem;
        CpuParallel.For(x.Device, blocks, (long)RowsPerItem * inputs * batch, block =>
        {
            float* w = weight.Pointer, xs = x.Pointer, ys = y.Pointer;
            var b = bias is null ? null : bias.Pointer;
            for (var o = block * RowsPerItem; o < Math.Min(outputs, (block + 1) * RowsPerItem); o++)
            {
                var row = w + (long)o * inputs;
                for (var n0 = 0; n0 < batch; n0 += 4)
                {
                    var count = Math.Min(4, batch - n0);
                    var first = xs + (long)n0 * inputs;
                    Dot4(row, first, inputs, count, out var d0, out var d1, out var d2, out var d3);
                    var add = b is null ? 0f : b[o];
                    ys[(long)n0 * outputs + o] = d0 + add;
                    if (count > 1) ys[(long)(n0 + 1) * outputs + o] = d1 + add;
                    if (count > 2) ys[(long)(n0 + 2) * outputs + o] = d2 + add;
                    if (count > 3) ys[(long)(n0 + 3) * outputs + o] = d3 + add;
                }
            }
        });
    }

    /// <summary>
    /// The dots of one weight row with up to four consecutive input rows (unused ones read the first
    /// again and are dropped), each a fixed-order 8-lane accumulation and a fixed horizontal sum.
    /// </summary>
    private static void Dot4(float* w, float* x, int length, int count, out float d0, out float d1, out float d2, out float d3)
    {
        var x1 = count > 1 ? x + length : x;
        var x2 = count > 2 ? x + 2L * length : x;
        var x3 = count > 3 ? x + 3L * length : x;
        Vector256<float> a0 = default, a1 = default, a2 = default, a3 = default;
        var i = 0;
        for (; i + 8 <= length; i += 8)
        {
            var wv = Vector256.Load(w + i);
            a0 = MulAdd(wv, Vector256.Load(x + i), a0);
            a1 = MulAdd(wv, Vector256.Load(x1 + i), a1);
            a2 = MulAdd(wv, Vector256.Load(x2 + i), a2);
            a3 = MulAdd(wv, Vector256.Load(x3 + i), a3);
        }
        (d0, d1, d2, d3) = (Vector256.Sum(a0), Vector256.Sum(a1), Vector256.Sum(a2), Vector256.Sum(a3));
        for (; i < length; i++)
        {
            d0 += w[i] * x[i];
            d1 += w[i] * x1[i];
            d2 += w[i] * x2[i];
            d3 += w[i] * x3[i];
        }
    }

    private static void CpuBackward(Tensor dy, Tensor weight, Tensor dx, int inputs, int outputs)
    {
        var batch = dx.Length / inputs;
        var slices = (inputs + FeaturesPerItem - 1) / FeaturesPerItem;
        // Rows in blocks too, so that many rows of few features (a linear layer along NHWC's last axis) spread over threads.
        var blocks = (batch + RowsPerBlock - 1) / RowsPerBlock;
        CpuParallel.For(dx.Device, slices * blocks, (long)FeaturesPerItem * outputs * Math.Min(batch, RowsPerBlock), item =>
        {
            float* w = weight.Pointer, dys = dy.Pointer, dxs = dx.Pointer;
            var (slice, block) = (item % slices, item / slices);
            var i0 = slice * FeaturesPerItem;
            var length = Math.Min(FeaturesPerItem, inputs - i0);
            var (n0, n1) = (block * RowsPerBlock, Math.Min(batch, (block + 1) * RowsPerBlock));
            for (var n = n0; n < n1; n++) new Span<float>(dxs + (long)n * inputs + i0, length).Clear();
            for (var o = 0; o < outputs; o++)
            {
                var row = w + (long)o * inputs + i0;
                for (var n = n0; n < n1; n++)
                    AddScaled(dys[(long)n * outputs + o], row, dxs + (long)n * inputs + i0, length);
            }
        });
    }

    /// <summary>y += a * x over <paramref name="length"/> floats.</summary>
    private static void AddScaled(float a, float* x, float* y, int length)
    {
        if (a == 0f) return;
        var av = Vector256.Create(a);
        var i = 0;
        for (; i + 8 <= length; i += 8) MulAdd(av, Vector256.Load(x + i), Vector256.Load(y + i)).Store(y + i);
        for (; i < length; i++) y[i] += a * x[i];
    }
}
