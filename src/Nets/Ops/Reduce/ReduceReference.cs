using DeepVis.Ops;

namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision mean and maximum over axes, and amax's gradient, for tests only.</summary>
public static class ReduceReference
{
    /// <summary>The output (the reduced axes kept with extent 1) and, for each input element, its output element.</summary>
    public static double[] Forward(ReduceKind kind, double[] x, int[] shape, int[] axes)
    {
        var (output, count) = Groups(shape, axes);
        var y = new double[count];
        var n = new int[count];
        if (kind == ReduceKind.Max) Array.Fill(y, double.NegativeInfinity);
        for (var i = 0; i < x.Length; i++)
        {
            var o = output[i];
            y[o] = kind == ReduceKind.Mean ? y[o] + x[i] : Math.Max(y[o], x[i]);
            n[o]++;
        }
        return kind == ReduceKind.Mean ? [.. y.Select((v, o) => v / n[o])] : y;
    }

    /// <summary>amax's backward: dy split evenly among the elements equal to their group's maximum.</summary>
    public static double[] MaxBackward(double[] x, int[] shape, int[] axes, double[] dy)
    {
        var (output, _) = Groups(shape, axes);
        var y = Forward(ReduceKind.Max, x, shape, axes);
        var ties = new int[y.Length];
        for (var i = 0; i < x.Length; i++) if (x[i] == y[output[i]]) ties[output[i]]++;
        return [.. x.Select((v, i) => v == y[output[i]] ? dy[output[i]] / ties[output[i]] : 0)];
    }

    private static (int[] Output, int Count) Groups(int[] shape, int[] axes)
    {
        var kept = shape.Select((d, k) => axes.Contains(k) ? 1 : d).ToArray();
        var length = shape.Aggregate(1, (a, b) => a * b);
        var output = new int[length];
        for (var i = 0; i < length; i++)
        {
            int rest = i, index = 0, stride = 1;
            for (var k = shape.Length - 1; k >= 0; k--)
            {
                var c = rest % shape[k];
                rest /= shape[k];
                if (kept[k] != 1) index += c * stride;
                stride *= kept[k];
            }
            output[i] = index;
        }
        return (output, kept.Aggregate(1, (a, b) => a * b));
    }
}
