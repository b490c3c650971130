namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision inference batch norm over NCHW, for tests only.</summary>
public static class BatchNorm2dReference
{
    /// <summary>scale = gamma / sqrt(variance + eps), shift = beta - mean * scale.</summary>
    public static (double[] Scale, double[] Shift) Affine(double[] gamma, double[] beta, double[] mean, double[] variance, double eps)
    {
        var scale = new double[gamma.Length];
        var shift = new double[gamma.Length];
        for (var c = 0; c < gamma.Length; c++)
        {
            scale[c] = gamma[c] / Math.Sqrt(variance[c] + eps);
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return (scale, shift);
    }

    /// <summary>PyTorch's eval-mode formula, unfolded: (x - mean) / sqrt(variance + eps) * gamma + beta.</summary>
    public static double[] Normalize(double[] x, int[] shape, double[] gamma, double[] beta, double[] mean, double[] variance, double eps)
    {
        var (c, plane) = (shape[1], shape[2] * shape[3]);
        var y = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var k = i / plane % c;
            y[i] = (x[i] - mean[k]) / Math.Sqrt(variance[k] + eps) * gamma[k] + beta[k];
        }
        return y;
    }

    /// <summary>y = x * scale[c] + shift[c].</summary>
    public static double[] Forward(double[] x, int[] shape, double[] scale, double[] shift)
    {
        var (c, plane) = (shape[1], shape[2] * shape[3]);
        var y = new double[x.Length];
        for (var i = 0; i < x.Length; i++) y[i] = x[i] * scale[i / plane % c] + shift[i / plane % c];
        return y;
    }

    /// <summary>dx = dy * scale[c].</summary>
    public static double[] BackwardInput(double[] dy, int[] shape, double[] scale)
    {
        var (c, plane) = (shape[1], shape[2] * shape[3]);
        var dx = new double[dy.Length];
        for (var i = 0; i < dy.Length; i++) dx[i] = dy[i] * scale[i / plane % c];
        return dx;
    }
}
