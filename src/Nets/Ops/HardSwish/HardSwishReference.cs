namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision hardswish, for tests only.</summary>
public static class HardSwishReference
{
    /// <summary>x min(max(x + 3, 0), 6) / 6; NaN stays NaN.</summary>
    public static double[] Forward(double[] x) =>
        Array.ConvertAll(x, v => double.IsNaN(v) ? v : v * Math.Min(Math.Max(v + 3, 0), 6) / 6);

    /// <summary>PyTorch's hardswish_backward as its vector loop computes it: 0 below -3, dy (x / 3 + 1/2) on [-3, 3), dy from 3 on and at NaN.</summary>
    public static double[] Backward(double[] x, double[] dy)
    {
        var dx = new double[x.Length];
        for (var i = 0; i < x.Length; i++) dx[i] = x[i] < -3 ? 0 : x[i] < 3 ? dy[i] * (x[i] / 3 + 0.5) : dy[i];
        return dx;
    }
}
