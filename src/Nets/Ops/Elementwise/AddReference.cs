namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision element-wise sum, for tests only.</summary>
public static class AddReference
{
    public static double[] Forward(double[] a, double[] b)
    {
        var y = new double[a.Length];
        for (var i = 0; i < a.Length; i++) y[i] = a[i] + b[i];
        return y;
    }
}
