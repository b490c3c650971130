namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision clip (hardtanh, ReLU6), for tests only.</summary>
public static class ClipReference
{
    /// <summary>torch.clamp: NaN stays NaN.</summary>
    public static double[] Forward(double[] x, double min, double max) =>
        Array.ConvertAll(x, v => double.IsNaN(v) ? v : Math.Min(Math.Max(v, min), max));

    /// <summary>PyTorch's hardtanh_backward: 0 where x &lt;= min or x &gt;= max, dy elsewhere (NaN included).</summary>
    public static double[] Backward(double[] x, double[] dy, double min, double max, bool passThrough)
    {
        var dx = new double[x.Length];
        for (var i = 0; i < x.Length; i++) dx[i] = !passThrough && (x[i] <= min || x[i] >= max) ? 0 : dy[i];
        return dx;
    }
}
