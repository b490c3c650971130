namespace DeepVis.Tests.Reference;

/// <summary>
/// Plain double-precision softmax and log-softmax over the rows of [N, F], or over lines of
/// <c>length</c> elements <c>inner</c> apart in blocks of length * inner (an axis of a larger tensor), for tests only.
/// </summary>
public static class SoftmaxReference
{
    public static double[] Forward(double[] x, int features, bool log) => Forward(x, features, 1, log);

    public static double[] Forward(double[] x, int length, int inner, bool log)
    {
        var y = new double[x.Length];
        foreach (var line in Lines(x.Length, length, inner))
        {
            var max = double.NegativeInfinity;
            foreach (var i in line) max = Math.Max(max, x[i]);
            double sum = 0;
            foreach (var i in line) sum += Math.Exp(x[i] - max);
            foreach (var i in line) y[i] = log ? x[i] - max - Math.Log(sum) : Math.Exp(x[i] - max) / sum;
        }
        return y;
    }

    /// <summary>dx_j = sum_i dy_i * d y_i / d x_j, with the Jacobian written out from the softmax p.</summary>
    public static double[] Backward(double[] x, int features, double[] dy, bool log) => Backward(x, features, 1, dy, log);

    public static double[] Backward(double[] x, int length, int inner, double[] dy, bool log)
    {
        var p = Forward(x, length, inner, log: false);
        var dx = new double[x.Length];
        foreach (var line in Lines(x.Length, length, inner))
            foreach (var i in line)
                foreach (var j in line)
                {
                    var delta = i == j ? 1.0 : 0.0;
                    var jacobian = log ? delta - p[j] : p[i] * (delta - p[j]);
                    dx[j] += dy[i] * jacobian;
                }
        return dx;
    }

    /// <summary>The element indices of every line, in axis order.</summary>
    private static IEnumerable<int[]> Lines(int count, int length, int inner)
    {
        for (var block = 0; block < count; block += length * inner)
            for (var k = 0; k < inner; k++)
                yield return [.. Enumerable.Range(0, length).Select(f => block + f * inner + k)];
    }
}
