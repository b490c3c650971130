namespace DeepVis.Optim.Quality;

/// <summary>
/// How steady a sequence of frames is: the mean absolute change per pixel between consecutive frames.
/// A movie inverted frame by frame is coherent when its figure is close to the original frames' own.
/// </summary>
public static class TemporalCoherence
{
    /// <summary>Mean over consecutive pairs and pixels of |b - a|; 0 for fewer than two frames.</summary>
    public static double MeanAbsoluteChange(IReadOnlyList<float[]> frames)
    {
        if (frames.Count < 2) return 0;
        double sum = 0;
        for (var f = 1; f < frames.Count; f++)
        {
            if (frames[f].Length != frames[0].Length) throw new ArgumentException($"frame {f} has {frames[f].Length} values, frame 0 {frames[0].Length}");
            for (var i = 0; i < frames[f].Length; i++) sum += Math.Abs(frames[f][i] - frames[f - 1][i]);
        }
        return sum / ((frames.Count - 1) * (double)frames[0].Length);
    }
}
