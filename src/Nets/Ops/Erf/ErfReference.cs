using MathNet.Numerics;

namespace DeepVis.Tests.Reference;

/// <summary>Double-precision erf (Math.NET's), for tests only.</summary>
public static class ErfReference
{
    /// <summary>erf(x); NaN stays NaN.</summary>
    public static double[] Forward(double[] x) => Array.ConvertAll(x, v => double.IsNaN(v) ? v : SpecialFunctions.Erf(v));

    /// <summary>dy 2/sqrt(pi) e^(-x^2).</summary>
    public static double[] Backward(double[] x, double[] dy)
    {
        var dx = new double[x.Length];
        for (var i = 0; i < x.Length; i++) dx[i] = dy[i] * 2 / Math.Sqrt(Math.PI) * Math.Exp(-x[i] * x[i]);
        return dx;
    }
}
