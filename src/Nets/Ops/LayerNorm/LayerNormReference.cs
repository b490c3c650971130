namespace DeepVis.Tests.Reference;

/// <summary>Layer normalization in double precision, position by position, for tests only.</summary>
public static class LayerNormReference
{
    /// <summary>x read as [outer, side, inner]: each (outer, inner) position's side values normalized, then scaled and shifted per value.</summary>
    public static double[] Forward(double[] x, int side, int inner, double[] weight, double[] bias, double eps)
    {
        var y = new double[x.Length];
        var outer = x.Length / (side * inner);
        for (var o = 0; o < outer; o++)
            for (var i = 0; i < inner; i++)
            {
                int At(int d) => (o * side + d) * inner + i;
                var mean = Enumerable.Range(0, side).Average(d => x[At(d)]);
                var variance = Enumerable.Range(0, side).Average(d => (x[At(d)] - mean) * (x[At(d)] - mean));
                for (var d = 0; d < side; d++) y[At(d)] = (x[At(d)] - mean) / Math.Sqrt(variance + eps) * weight[d] + bias[d];
            }
        return y;
    }
}
