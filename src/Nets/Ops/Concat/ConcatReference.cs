namespace DeepVis.Tests.Reference;

/// <summary>Plain channel concatenation of NCHW tensors (index by index), for tests only.</summary>
public static class ConcatReference
{
    public static double[] Forward(IReadOnlyList<double[]> inputs, IReadOnlyList<int[]> shapes)
    {
        var (n, h, w) = (shapes[0][0], shapes[0][2], shapes[0][3]);
        var channels = shapes.Sum(s => s[1]);
        var y = new double[n * channels * h * w];
        for (var b = 0; b < n; b++)
        {
            var offset = 0;
            for (var k = 0; k < inputs.Count; k++)
            {
                for (var c = 0; c < shapes[k][1]; c++)
                    for (var r = 0; r < h; r++)
                        for (var q = 0; q < w; q++)
                            y[((b * channels + offset + c) * h + r) * w + q] = inputs[k][((b * shapes[k][1] + c) * h + r) * w + q];
                offset += shapes[k][1];
            }
        }
        return y;
    }

    /// <summary>Each input's gradient: its channels of dy.</summary>
    public static double[][] BackwardInput(double[] dy, IReadOnlyList<int[]> shapes)
    {
        var (n, h, w) = (shapes[0][0], shapes[0][2], shapes[0][3]);
        var channels = shapes.Sum(s => s[1]);
        var dxs = shapes.Select(s => new double[s[0] * s[1] * s[2] * s[3]]).ToArray();
        for (var b = 0; b < n; b++)
        {
            var offset = 0;
            for (var k = 0; k < shapes.Count; k++)
            {
                for (var c = 0; c < shapes[k][1]; c++)
                    for (var r = 0; r < h; r++)
                        for (var q = 0; q < w; q++)
                            dxs[k][((b * shapes[k][1] + c) * h + r) * w + q] = dy[((b * channels + offset + c) * h + r) * w + q];
                offset += shapes[k][1];
            }
        }
        return dxs;
    }
}
