namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision softmax and log-softmax over the rows of [N, F], for tests only.</summary>
public static class SoftmaxReference
{
    public static double[] Forward(double[] x, int features, bool log)
    {
        var y = new double[x.Length];
        for (var start = 0; start < x.Length; start += features)
        {
            var row = x.AsSpan(start, features);
            var max = double.NegativeInfinity;
            foreach (var v in row) max = Math.Max(max, v);
            double sum = 0;
            foreach (var v in row) sum += Math.Exp(v - max);
            for (var f = 0; f < features; f++)
                y[start + f] = log ? row[f] - max - Math.Log(sum) : Math.Exp(row[f] - max) / sum;
        }
        return y;
    }

    /// <summary>dx_j = sum_i dy_i * d y_i / d x_j, with the Jacobian written out from the softmax p.</summary>
    public static double[] Backward(double[] x, int features, double[] dy, bool log)
    {
        var p = Forward(x, features, log: false);
        var dx = new double[x.Length];
        for (var start = 0; start < x.Length; start += features)
            for (var i = 0; i < features; i++)
                for (var j = 0; j < features; j++)
                {
                    var delta = i == j ? 1.0 : 0.0;
                    var jacobian = log ? delta - p[start + j] : p[start + i] * (delta - p[start + j]);
                    dx[start + j] += dy[start + i] * jacobian;
                }
        return dx;
    }
}
