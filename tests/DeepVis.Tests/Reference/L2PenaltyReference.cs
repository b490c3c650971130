namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision L2 penalty and decay, for tests only.</summary>
public static class L2PenaltyReference
{
    /// <summary>lambda * sum x^2 per batch item.</summary>
    public static double[] Value(double[] x, int n, double lambda)
    {
        var m = x.Length / n;
        var value = new double[n];
        for (var i = 0; i < x.Length; i++) value[i / m] += lambda * x[i] * x[i];
        return value;
    }

    /// <summary>grad + 2 lambda x.</summary>
    public static double[] AddGradient(double[] x, double[] grad, double lambda)
    {
        var result = new double[x.Length];
        for (var i = 0; i < x.Length; i++) result[i] = grad[i] + 2 * lambda * x[i];
        return result;
    }

    public static double[] Decay(double[] x, double factor) => Array.ConvertAll(x, v => v * (1 - factor));
}
