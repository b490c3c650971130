namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision logistic sigmoid, for tests only (the Sigmoid op and the render parameterization).</summary>
public static class SigmoidReference
{
    /// <summary>1 / (1 + e^-x); NaN stays NaN.</summary>
    public static double[] Forward(double[] x) => Array.ConvertAll(x, v => 1 / (1 + Math.Exp(-v)));

    /// <summary>torch's sigmoid_backward: dy y (1 - y) with y = sigmoid(x).</summary>
    public static double[] Backward(double[] x, double[] dy)
    {
        var y = Forward(x);
        var dx = new double[x.Length];
        for (var i = 0; i < x.Length; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
        return dx;
    }
}
