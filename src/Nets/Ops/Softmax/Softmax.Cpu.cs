using System.Numerics.Tensors;
using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>
/// Softmax and log-softmax on the cpu device: one row per work item, vectorized along the row, sums
/// in <see cref="CpuReduce"/>'s fixed order. Every pass reads an element before it writes it: y may be x.
/// Along an axis with elements apart (channels of [N, C, H, W]), one block per work item, vectorized
/// across its lines, each line summed in axis order.
/// </summary>
public static partial class Softmax
{
    private const int Lanes = CpuReduce.Lanes;

    private static void CpuForward(Tensor x, Tensor y, int rows, int features, int inner, bool log)
    {
        if (inner > 1)
        {
            CpuForwardLines(x, y, rows, features, inner, log);
            return;
        }
        CpuParallel.For(x.Device, rows, 4L * features, row =>
        {
            var xs = x.Span.Slice(row * features, features);
            var ys = y.Span.Slice(row * features, features);
            var max = TensorPrimitives.Max(xs);
            if (log)
            {
                TensorPrimitives.Subtract(xs, max + MathF.Log(SumExp(xs, max, [])), ys);
            }
            else
            {
                var scale = 1f / SumExp(xs, max, ys);
                TensorPrimitives.Multiply(ys, scale, ys);
            }
        });
    }

    private static void CpuBackward(Tensor y, Tensor dy, Tensor dx, int rows, int features, int inner, bool log)
    {
        if (inner > 1)
        {
            CpuBackwardLines(y, dy, dx, rows, features, inner, log);
            return;
        }
        CpuParallel.For(y.Device, rows, 4L * features, row =>
        {
            var ys = y.Span.Slice(row * features, features);
            var dys = dy.Span.Slice(row * features, features);
            var dxs = dx.Span.Slice(row * features, features);
            var i = 0;
            if (log)
            {
                // y = log softmax: dx = dy - softmax * sum(dy).
                var sum = CpuReduce.Sum(dys);
                var vsum = Vector256.Create(sum);
                for (; i + Lanes <= features; i += Lanes)
                    (Vector256.Create(dys.Slice(i)) - Vector256.Exp(Vector256.Create(ys.Slice(i))) * vsum).CopyTo(dxs.Slice(i));
                for (; i < features; i++) dxs[i] = dys[i] - MathF.Exp(ys[i]) * sum;
            }
            else
            {
                var dot = CpuReduce.Dot(dys, ys);
                var vdot = Vector256.Create(dot);
                for (; i + Lanes <= features; i += Lanes)
                {
                    var yv = Vector256.Create(ys.Slice(i));
                    (yv * (Vector256.Create(dys.Slice(i)) - vdot)).CopyTo(dxs.Slice(i));
                }
                for (; i < features; i++) dxs[i] = ys[i] * (dys[i] - dot);
            }
        });
    }

    /// <summary>
    /// Block by block ([length, inner] each): the running maximum and sum of every line, element-wise
    /// over slices of <paramref name="inner"/> values; scratch from the shared pool.
    /// </summary>
    private static void CpuForwardLines(Tensor x, Tensor y, int blocks, int length, int inner, bool log) =>
        CpuParallel.For(x.Device, blocks, 5L * length * inner, block =>
        {
            var scratch = System.Buffers.ArrayPool<float>.Shared.Rent(3 * inner);
            var max = scratch.AsSpan(0, inner);
            var sum = scratch.AsSpan(inner, inner);
            var e = scratch.AsSpan(2 * inner, inner);
            var xs = x.Span.Slice(block * length * inner, length * inner);
            var ys = y.Span.Slice(block * length * inner, length * inner);
            xs[..inner].CopyTo(max);
            for (var f = 1; f < length; f++) TensorPrimitives.Max(max, xs.Slice(f * inner, inner), max);
            sum.Clear();
            for (var f = 0; f < length; f++)
            {
                TensorPrimitives.Subtract(xs.Slice(f * inner, inner), max, e);
                TensorPrimitives.Exp(e, e);
                TensorPrimitives.Add(sum, e, sum);
            }
            if (log)
            {
                // shift = max + log(sum), then y = x - shift, line by line.
                TensorPrimitives.Log(sum, sum);
                TensorPrimitives.Add(max, sum, max);
                for (var f = 0; f < length; f++) TensorPrimitives.Subtract(xs.Slice(f * inner, inner), max, ys.Slice(f * inner, inner));
            }
            else
            {
                for (var f = 0; f < length; f++)
                {
                    TensorPrimitives.Subtract(xs.Slice(f * inner, inner), max, e);
                    TensorPrimitives.Exp(e, e);
                    TensorPrimitives.Divide(e, sum, ys.Slice(f * inner, inner));
                }
            }
            System.Buffers.ArrayPool<float>.Shared.Return(scratch);
        });

    /// <summary>The gradient block by block: each line's sum of dy (log) or of dy * y, then dx element-wise.</summary>
    private static void CpuBackwardLines(Tensor y, Tensor dy, Tensor dx, int blocks, int length, int inner, bool log) =>
        CpuParallel.For(y.Device, blocks, 5L * length * inner, block =>
        {
            var scratch = System.Buffers.ArrayPool<float>.Shared.Rent(2 * inner);
            var dot = scratch.AsSpan(0, inner);
            var e = scratch.AsSpan(inner, inner);
            var ys = y.Span.Slice(block * length * inner, length * inner);
            var dys = dy.Span.Slice(block * length * inner, length * inner);
            var dxs = dx.Span.Slice(block * length * inner, length * inner);
            dot.Clear();
            for (var f = 0; f < length; f++)
            {
                if (log) TensorPrimitives.Add(dot, dys.Slice(f * inner, inner), dot);
                else TensorPrimitives.MultiplyAdd(dys.Slice(f * inner, inner), ys.Slice(f * inner, inner), dot, dot);
            }
            for (var f = 0; f < length; f++)
            {
                var yf = ys.Slice(f * inner, inner);
                var dyf = dys.Slice(f * inner, inner);
                var dxf = dxs.Slice(f * inner, inner);
                if (log)
                {
                    // dx = dy - exp(y) * sum(dy)
                    TensorPrimitives.Exp(yf, e);
                    TensorPrimitives.Multiply(e, dot, e);
                    TensorPrimitives.Subtract(dyf, e, dxf);
                }
                else
                {
                    // dx = y * (dy - dot)
                    TensorPrimitives.Subtract(dyf, dot, e);
                    TensorPrimitives.Multiply(yf, e, dxf);
                }
            }
            System.Buffers.ArrayPool<float>.Shared.Return(scratch);
        });

    /// <summary>The sum of exp(x - max) over a row, also stored in <paramref name="exps"/> unless it is empty (it may be x).</summary>
    private static float SumExp(ReadOnlySpan<float> x, float max, Span<float> exps)
    {
        var store = !exps.IsEmpty;
        var (accumulator, shift) = (Vector256<float>.Zero, Vector256.Create(max));
        var i = 0;
        for (; i + Lanes <= x.Length; i += Lanes)
        {
            var e = Vector256.Exp(Vector256.Create(x.Slice(i)) - shift);
            if (store) e.CopyTo(exps.Slice(i));
            accumulator += e;
        }
        var sum = Vector256.Sum(accumulator);
        for (; i < x.Length; i++)
        {
            var e = MathF.Exp(x[i] - max);
            if (store) exps[i] = e;
            sum += e;
        }
        return sum;
    }
}
