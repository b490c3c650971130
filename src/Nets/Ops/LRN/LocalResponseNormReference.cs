using DeepVis.Ops;

namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision local response normalization (PyTorch semantics), for tests only.</summary>
public static class LocalResponseNormReference
{
    public static double[] Forward(double[] x, int[] shape, LocalResponseNormSettings s)
    {
        var d = Denominators(x, shape, s);
        var y = new double[x.Length];
        for (var i = 0; i < x.Length; i++) y[i] = x[i] / Math.Pow(d[i], s.Beta);
        return y;
    }

    /// <summary>Scatters each output's Jacobian row: dy_c * d y_c / d x_j for every j in c's window.</summary>
    public static double[] Backward(double[] x, int[] shape, double[] dy, LocalResponseNormSettings s)
    {
        var (n, channels, plane) = (shape[0], shape[1], x.Length / (shape[0] * shape[1]));
        var d = Denominators(x, shape, s);
        var dx = new double[x.Length];
        for (var b = 0; b < n; b++)
            for (var c = 0; c < channels; c++)
                for (var p = 0; p < plane; p++)
                {
                    var at = (b * channels + c) * plane + p;
                    dx[at] += dy[at] * Math.Pow(d[at], -s.Beta);
                    for (var j = c - s.Size / 2; j <= c + (s.Size - 1) / 2; j++)
                    {
                        if (j < 0 || j >= channels) continue;
                        var from = (b * channels + j) * plane + p;
                        dx[from] -= dy[at] * x[at] * s.Beta * Math.Pow(d[at], -s.Beta - 1) * (double)s.Alpha / s.Size * 2 * x[from];
                    }
                }
        return dx;
    }

    /// <summary>k + alpha * (mean over the zero-padded window of size n of x^2), per element.</summary>
    private static double[] Denominators(double[] x, int[] shape, LocalResponseNormSettings s)
    {
        var (n, channels, plane) = (shape[0], shape[1], x.Length / (shape[0] * shape[1]));
        var d = new double[x.Length];
        for (var b = 0; b < n; b++)
            for (var c = 0; c < channels; c++)
                for (var p = 0; p < plane; p++)
                {
                    double sum = 0;
                    for (var j = c - s.Size / 2; j <= c + (s.Size - 1) / 2; j++)
                        if (j >= 0 && j < channels)
                            sum += x[(b * channels + j) * plane + p] * x[(b * channels + j) * plane + p];
                    d[(b * channels + c) * plane + p] = s.K + (double)s.Alpha * (sum / s.Size);
                }
        return d;
    }
}
