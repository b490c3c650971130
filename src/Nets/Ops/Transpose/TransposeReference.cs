namespace DeepVis.Tests.Reference;

/// <summary>Axis permutation index by index, for tests only: output axis k is input axis perm[k].</summary>
public static class TransposeReference
{
    public static double[] Forward(double[] x, int[] dims, int[] perm)
    {
        var rank = dims.Length;
        var shape = perm.Select(p => dims[p]).ToArray();
        var strides = new int[rank];
        for (int k = rank - 1, s = 1; k >= 0; s *= dims[k], k--) strides[k] = s;
        var y = new double[x.Length];
        var index = new int[rank];
        for (var i = 0; i < y.Length; i++)
        {
            for (int k = rank - 1, rest = i; k >= 0; rest /= shape[k], k--) index[k] = rest % shape[k];
            var source = 0;
            for (var k = 0; k < rank; k++) source += index[k] * strides[perm[k]];
            y[i] = x[source];
        }
        return y;
    }

    /// <summary>torch's channel_shuffle: view [n, g, c / g, h, w], transpose(1, 2), view back.</summary>
    public static double[] ChannelShuffle(double[] x, int[] shape, int groups)
    {
        var (n, c, plane) = (shape[0], shape[1], shape[2] * shape[3]);
        var y = new double[x.Length];
        for (var b = 0; b < n; b++)
            for (var g = 0; g < groups; g++)
                for (var k = 0; k < c / groups; k++)
                    for (var p = 0; p < plane; p++)
                        y[(b * c + k * groups + g) * plane + p] = x[(b * c + g * (c / groups) + k) * plane + p];
        return y;
    }
}
