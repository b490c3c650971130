namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision hardsigmoid (ONNX HardSigmoid), for tests only.</summary>
public static class HardSigmoidReference
{
    /// <summary>max(0, min(1, alpha x + beta)); NaN stays NaN.</summary>
    public static double[] Forward(double[] x, double alpha, double beta) =>
        Array.ConvertAll(x, v => double.IsNaN(v) ? v : Math.Min(Math.Max(alpha * v + beta, 0), 1));

    /// <summary>PyTorch's hardsigmoid_backward: alpha dy strictly between the kinks, 0 at and beyond them (and at NaN).</summary>
    public static double[] Backward(double[] x, double[] dy, double alpha, double beta)
    {
        var dx = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var z = alpha * x[i] + beta;
            dx[i] = z > 0 && z < 1 ? alpha * dy[i] : 0;
        }
        return dx;
    }
}
