namespace DeepVis.Tests.Reference;

/// <summary>Strided slices of one axis index by index, for tests only.</summary>
public static class SliceReference
{
    /// <summary>y[o, j, k] = x[o, start + j * step, k] with x read as [outer, side, inner].</summary>
    public static double[] Forward(double[] x, int[] shape, int axis, int start, int end, int step)
    {
        var (side, inner) = (shape[axis], shape[(axis + 1)..].Aggregate(1, (a, b) => a * b));
        var outer = x.Length / (side * inner);
        var positions = Enumerable.Range(0, side).Where(p => p >= start && p < end && (p - start) % step == 0).ToArray();
        var y = new List<double>();
        for (var o = 0; o < outer; o++)
            foreach (var p in positions)
                for (var k = 0; k < inner; k++) y.Add(x[(o * side + p) * inner + k]);
        return [.. y];
    }
}
