using DeepVis.Ops;

namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision broadcast arithmetic (NumPy's rule, shapes aligned to the right), for tests only.</summary>
public static class ElementwiseReference
{
    /// <summary>The broadcast shape of a and b, or null.</summary>
    public static int[]? Shape(int[] a, int[] b)
    {
        var rank = Math.Max(a.Length, b.Length);
        var y = new int[rank];
        for (var k = 0; k < rank; k++)
        {
            var p = k - rank + a.Length < 0 ? 1 : a[k - rank + a.Length];
            var q = k - rank + b.Length < 0 ? 1 : b[k - rank + b.Length];
            if (p != q && p != 1 && q != 1) return null;
            y[k] = Math.Max(p, q);
        }
        return y;
    }

    public static double[] Forward(BinaryKind kind, double[] a, int[] aShape, double[] b, int[] bShape)
    {
        var shape = Shape(aShape, bShape) ?? throw new ArgumentException("shapes do not broadcast");
        var y = new double[shape.Aggregate(1, (p, q) => p * q)];
        for (var i = 0; i < y.Length; i++)
        {
            var (x, z) = (a[Source(i, shape, aShape)], b[Source(i, shape, bShape)]);
            y[i] = kind switch { BinaryKind.Add => x + z, BinaryKind.Sub => x - z, BinaryKind.Mul => x * z, _ => x / z };
        }
        return y;
    }

    /// <summary>The index into an operand of <paramref name="operand"/> shape that output element <paramref name="i"/> reads.</summary>
    private static int Source(int i, int[] shape, int[] operand)
    {
        int index = 0, stride = 1;
        for (var k = shape.Length - 1; k >= 0; k--)
        {
            var coordinate = i % shape[k];
            i /= shape[k];
            var j = k - shape.Length + operand.Length;
            if (j < 0) continue;
            if (operand[j] != 1) index += coordinate * stride;
            stride *= operand[j];
        }
        return index;
    }
}
