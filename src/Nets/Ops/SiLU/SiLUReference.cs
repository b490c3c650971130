namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision SiLU, for tests only.</summary>
public static class SiLUReference
{
    /// <summary>x / (1 + e^-x); NaN stays NaN.</summary>
    public static double[] Forward(double[] x) => Array.ConvertAll(x, v => v / (1 + Math.Exp(-v)));

    /// <summary>torch's silu_backward: dy s (1 + x (1 - s)) with s = sigmoid(x).</summary>
    public static double[] Backward(double[] x, double[] dy)
    {
        var dx = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var s = 1 / (1 + Math.Exp(-x[i]));
            dx[i] = dy[i] * s * (1 + x[i] * (1 - s));
        }
        return dx;
    }
}
