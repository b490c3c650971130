namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision ReLU, for tests only.</summary>
public static class ReluReference
{
    public static double[] Forward(double[] x) => Array.ConvertAll(x, v => Math.Max(v, 0));

    public static double[] Backward(double[] x, double[] dy, bool passThrough)
    {
        var dx = new double[x.Length];
        for (var i = 0; i < x.Length; i++) dx[i] = passThrough || x[i] > 0 ? dy[i] : 0;
        return dx;
    }
}
