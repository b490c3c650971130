namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision adaptive average pooling (PyTorch's bins), for tests only.</summary>
public static class AdaptiveAvgPool2dReference
{
    public static double[] Forward(double[] x, int[] shape, int outH, int outW)
    {
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var y = new double[n * c * outH * outW];
        for (var p = 0; p < n * c; p++)
            for (var i = 0; i < outH; i++)
                for (var j = 0; j < outW; j++)
                {
                    var (r0, r1) = Bin(i, h, outH);
                    var (q0, q1) = Bin(j, w, outW);
                    double sum = 0;
                    for (var r = r0; r < r1; r++)
                        for (var q = q0; q < q1; q++)
                            sum += x[(p * h + r) * w + q];
                    y[(p * outH + i) * outW + j] = sum / ((r1 - r0) * (q1 - q0));
                }
        return y;
    }

    public static double[] Backward(double[] dy, int[] shape, int outH, int outW)
    {
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var dx = new double[n * c * h * w];
        for (var p = 0; p < n * c; p++)
            for (var i = 0; i < outH; i++)
                for (var j = 0; j < outW; j++)
                {
                    var (r0, r1) = Bin(i, h, outH);
                    var (q0, q1) = Bin(j, w, outW);
                    var share = dy[(p * outH + i) * outW + j] / ((r1 - r0) * (q1 - q0));
                    for (var r = r0; r < r1; r++)
                        for (var q = q0; q < q1; q++)
                            dx[(p * h + r) * w + q] += share;
                }
        return dx;
    }

    private static (int Start, int End) Bin(int o, int input, int output) =>
        ((int)Math.Floor((double)o * input / output), (int)Math.Ceiling((double)(o + 1) * input / output));
}
