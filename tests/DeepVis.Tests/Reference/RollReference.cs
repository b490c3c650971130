namespace DeepVis.Tests.Reference;

/// <summary>Plain torch.roll over H and W (y[(i + shift) mod n] = x[i]), for tests only.</summary>
public static class RollReference
{
    private static int Mod(long value, int n) => (int)(((value % n) + n) % n);

    public static double[] Forward(double[] x, int[] shape, int shiftH, int shiftW)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var y = new double[x.Length];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < h; i++)
                for (var j = 0; j < w; j++)
                    y[(p * h + Mod((long)i + shiftH, h)) * w + Mod((long)j + shiftW, w)] = x[(p * h + i) * w + j];
        return y;
    }

    /// <summary>dx[i] = dy[(i + shift) mod n]: the transpose of the permutation in <see cref="Forward"/>.</summary>
    public static double[] Backward(double[] dy, int[] shape, int shiftH, int shiftW)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var dx = new double[dy.Length];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < h; i++)
                for (var j = 0; j < w; j++)
                    dx[(p * h + i) * w + j] = dy[(p * h + Mod((long)i + shiftH, h)) * w + Mod((long)j + shiftW, w)];
        return dx;
    }
}
