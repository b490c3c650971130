namespace DeepVis.Tests.Reference;

/// <summary>Per-pixel 3x3 colour mixing in double (the logistic function is SigmoidReference), for tests only.</summary>
public static class ColorReference
{
    public static double[] Mix(double[] x, int[] shape, double[,] m)
    {
        var plane = shape[2] * shape[3];
        var y = new double[x.Length];
        for (var n = 0; n < shape[0]; n++)
            for (var p = 0; p < plane; p++)
                for (var r = 0; r < 3; r++)
                    for (var c = 0; c < 3; c++) y[(n * 3 + r) * plane + p] += m[r, c] * x[(n * 3 + c) * plane + p];
        return y;
    }
}
