namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision clip to mean +- k population std per image, for tests only.</summary>
public static class StdClipReference
{
    public static double[] Apply(double[] x, int n, double k)
    {
        var m = x.Length / n;
        var stats = ImageStatsReference.MeanStd(x, n);
        var y = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var (mean, std) = stats[i / m];
            y[i] = Math.Clamp(x[i], mean - k * std, mean + k * std);
        }
        return y;
    }
}
