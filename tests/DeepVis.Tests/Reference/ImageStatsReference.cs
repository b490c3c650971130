namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision per-image statistics, for tests only.</summary>
public static class ImageStatsReference
{
    /// <summary>Per batch item of <paramref name="x"/> (n items of equal length): [sum, sum of squares, max |x|, sum |x|], n rows.</summary>
    public static double[] Compute(double[] x, int n)
    {
        var m = x.Length / n;
        var stats = new double[n * 4];
        for (var b = 0; b < n; b++)
        {
            double sum = 0, sumOfSquares = 0, maxAbs = 0, sumAbs = 0;
            for (var i = b * m; i < (b + 1) * m; i++)
            {
                sum += x[i];
                sumOfSquares += x[i] * x[i];
                maxAbs = Math.Max(maxAbs, Math.Abs(x[i]));
                sumAbs += Math.Abs(x[i]);
            }
            (stats[4 * b], stats[4 * b + 1], stats[4 * b + 2], stats[4 * b + 3]) = (sum, sumOfSquares, maxAbs, sumAbs);
        }
        return stats;
    }

    /// <summary>Per batch item: the mean and the population standard deviation.</summary>
    public static (double Mean, double Std)[] MeanStd(double[] x, int n)
    {
        var m = x.Length / n;
        var result = new (double, double)[n];
        for (var b = 0; b < n; b++)
        {
            double mean = 0, variance = 0;
            for (var i = b * m; i < (b + 1) * m; i++) mean += x[i];
            mean /= m;
            for (var i = b * m; i < (b + 1) * m; i++) variance += (x[i] - mean) * (x[i] - mean);
            result[b] = (mean, Math.Sqrt(variance / m));
        }
        return result;
    }
}
