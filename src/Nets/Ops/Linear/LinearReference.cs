namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision fully-connected layer, for tests only.</summary>
public static class LinearReference
{
    public static double[] Forward(double[] x, int n, int inputs, double[] weight, double[]? bias, int outputs)
    {
        var y = new double[n * outputs];
        for (var b = 0; b < n; b++)
        for (var o = 0; o < outputs; o++)
        {
            var sum = bias?[o] ?? 0;
            for (var i = 0; i < inputs; i++) sum += weight[o * inputs + i] * x[b * inputs + i];
            y[b * outputs + o] = sum;
        }
        return y;
    }

    public static double[] BackwardInput(double[] dy, int n, int inputs, double[] weight, int outputs)
    {
        var dx = new double[n * inputs];
        for (var b = 0; b < n; b++)
        for (var o = 0; o < outputs; o++)
        for (var i = 0; i < inputs; i++)
            dx[b * inputs + i] += weight[o * inputs + i] * dy[b * outputs + o];
        return dx;
    }
}
