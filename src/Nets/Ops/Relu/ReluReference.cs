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

    /// <summary>Lucid's redirected_relu_grad per batch item of <paramref name="itemLength"/> elements.</summary>
    public static double[] Redirected(double[] x, double[] dy, int itemLength)
    {
        var dx = new double[x.Length];
        for (var start = 0; start < x.Length; start += itemLength)
        {
            var standard = Enumerable.Range(start, itemLength).Select(i => x[i] > 0 ? dy[i] : 0).ToArray();
            var vanished = standard.All(v => v == 0);
            for (var i = start; i < start + itemLength; i++)
                dx[i] = vanished ? (x[i] < 0 && dy[i] > 0 ? 0 : dy[i]) : standard[i - start];
        }
        return dx;
    }
}
