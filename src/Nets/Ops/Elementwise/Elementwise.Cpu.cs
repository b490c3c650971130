using System.Numerics.Tensors;
using DeepVis.Kernels.Cpu;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>Broadcast arithmetic on the cpu device: rows of the innermost axis through TensorPrimitives.</summary>
public static partial class Elementwise
{
    private static void CpuForward(BinaryKind kind, Broadcast p, Tensor a, Tensor b, Tensor y)
    {
        var row = p.D3;
        CpuParallel.For(a.Device, p.D0 * p.D1 * p.D2, row, r =>
        {
            int i2 = r % p.D2, i1 = r / p.D2 % p.D1, i0 = r / p.D2 / p.D1;
            var ys = y.Span.Slice(r * row, row);
            var (ao, bo) = (i0 * p.A0 + i1 * p.A1 + i2 * p.A2, i0 * p.B0 + i1 * p.B1 + i2 * p.B2);
            // Along the innermost axis each operand is either a contiguous run or one repeated value.
            ReadOnlySpan<float> xa = a.Span.Slice(ao, p.A3 == 0 ? 1 : row), xb = b.Span.Slice(bo, p.B3 == 0 ? 1 : row);
            if (xa.Length == row && xb.Length == row) Rows(kind, xa, xb, ys);
            else if (xa.Length == row) RowScalar(kind, xa, xb[0], ys);
            else if (xb.Length == row) ScalarRow(kind, xa[0], xb, ys);
            else ys.Fill(Apply((int)kind, xa[0], xb[0]));
        });
    }

    private static void Rows(BinaryKind kind, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryKind.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryKind.Mul: TensorPrimitives.Multiply(a, b, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    private static void RowScalar(BinaryKind kind, ReadOnlySpan<float> a, float b, Span<float> y)
    {
        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(a, b, y); break;
            case BinaryKind.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryKind.Mul: TensorPrimitives.Multiply(a, b, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    private static void ScalarRow(BinaryKind kind, float a, ReadOnlySpan<float> b, Span<float> y)
    {
        switch (kind)
        {
            case BinaryKind.Add: TensorPrimitives.Add(b, a, y); break;
            case BinaryKind.Sub: TensorPrimitives.Subtract(a, b, y); break;
            case BinaryKind.Mul: TensorPrimitives.Multiply(b, a, y); break;
            default: TensorPrimitives.Divide(a, b, y); break;
        }
    }

    /// <summary>Each target element sums over the output elements it reached, in the kernels' order.</summary>
    private static void CpuBackward(BinaryKind kind, bool first, Broadcast p, Tensor target, Tensor other, Tensor dy, Tensor dx)
    {
        int t1 = p.A1 == 0 ? 1 : p.D1, t2 = p.A2 == 0 ? 1 : p.D2, t3 = p.A3 == 0 ? 1 : p.D3;
        // Blocks of target elements, each reaching dy.Length / dx.Length output elements.
        const int block = 256;
        CpuParallel.For(dx.Device, (dx.Length + block - 1) / block, (long)block * (dy.Length / dx.Length), k =>
        {
            var (start, length) = (k * block, Math.Min(block, dx.Length - k * block));
            ReadOnlySpan<float> ts = target.Span, os = other.Span, g = dy.Span;
            var d = dx.Span;
            for (var j = start; j < start + length; j++)
            {
                int c3 = j % t3, c2 = j / t3 % t2, c1 = j / t3 / t2 % t1, c0 = j / t3 / t2 / t1;
                int lo0 = p.A0 == 0 ? 0 : c0, hi0 = p.A0 == 0 ? p.D0 : c0 + 1;
                int lo1 = p.A1 == 0 ? 0 : c1, hi1 = p.A1 == 0 ? p.D1 : c1 + 1;
                int lo2 = p.A2 == 0 ? 0 : c2, hi2 = p.A2 == 0 ? p.D2 : c2 + 1;
                int lo3 = p.A3 == 0 ? 0 : c3, hi3 = p.A3 == 0 ? p.D3 : c3 + 1;
                var self = ts[j];
                var sum = 0f;
                for (var o0 = lo0; o0 < hi0; o0++)
                    for (var o1 = lo1; o1 < hi1; o1++)
                        for (var o2 = lo2; o2 < hi2; o2++)
                            for (var o3 = lo3; o3 < hi3; o3++)
                                sum += Partial((int)kind, first ? 1 : 0, g[((o0 * p.D1 + o1) * p.D2 + o2) * p.D3 + o3],
                                    os[o0 * p.B0 + o1 * p.B1 + o2 * p.B2 + o3 * p.B3], self);
                d[j] = sum;
            }
        });
    }
}
