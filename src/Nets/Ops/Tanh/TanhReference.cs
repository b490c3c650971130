namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision tanh, for tests only.</summary>
public static class TanhReference
{
    public static double[] Forward(double[] x) => Array.ConvertAll(x, Math.Tanh);

    /// <summary>torch's tanh_backward: dy (1 - y^2) with y = tanh(x).</summary>
    public static double[] Backward(double[] x, double[] dy)
    {
        var dx = new double[x.Length];
        for (var i = 0; i < x.Length; i++) dx[i] = dy[i] * (1 - Math.Tanh(x[i]) * Math.Tanh(x[i]));
        return dx;
    }
}
