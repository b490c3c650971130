namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision alpha-norm prior sum |x|^alpha per batch item and its gradient, for tests only.</summary>
public static class AlphaNormReference
{
    public static double[] Value(double[] x, int n, double alpha)
    {
        var m = x.Length / n;
        var value = new double[n];
        for (var i = 0; i < x.Length; i++) value[i / m] += Math.Pow(Math.Abs(x[i]), alpha);
        return value;
    }

    /// <summary>grad + scale * alpha |x|^(alpha - 1) sign(x).</summary>
    public static double[] AddGradient(double[] x, double[] grad, double scale, double alpha)
    {
        var result = new double[x.Length];
        for (var i = 0; i < x.Length; i++) result[i] = grad[i] + scale * alpha * Math.Pow(Math.Abs(x[i]), alpha - 1) * Math.Sign(x[i]);
        return result;
    }
}
