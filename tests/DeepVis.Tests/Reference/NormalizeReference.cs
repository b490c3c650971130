namespace DeepVis.Tests.Reference;

/// <summary>Plain per-channel normalization of NCHW data and its inverse, for tests only.</summary>
public static class NormalizeReference
{
    private static double[] Map(double[] v, int[] shape, Func<double, int, double> f)
    {
        var plane = shape[2] * shape[3];
        var result = new double[v.Length];
        for (var i = 0; i < v.Length; i++) result[i] = f(v[i], i / plane % shape[1]);
        return result;
    }

    public static double[] Forward(double[] x, int[] shape, float[] mean, float[] std) =>
        Map(x, shape, (v, c) => (v - mean[c]) / std[c]);

    public static double[] Backward(double[] dy, int[] shape, float[] std) =>
        Map(dy, shape, (v, c) => v / std[c]);

    public static double[] Denormalize(double[] y, int[] shape, float[] mean, float[] std) =>
        Map(y, shape, (v, c) => v * std[c] + mean[c]);

    public static double[] DenormalizeBackward(double[] dx, int[] shape, float[] std) =>
        Map(dx, shape, (v, c) => v * std[c]);
}
