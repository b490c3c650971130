using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;

namespace DeepVis.Optim;

/// <summary>What input sizes and step sizes mean for a network.</summary>
public static class InputSize
{
    /// <summary>
    /// The smallest square input the network accepts up to <paramref name="targets"/> (all of it when
    /// null): every convolution and pool on the way still produces at least one pixel.
    /// </summary>
    public static int Minimum(Network network, IReadOnlyCollection<NetworkLayer>? targets = null)
    {
        for (var size = 1; size <= 4096; size++)
        {
            if (Fits(network, size, targets)) return size;
        }
        throw new ShapeException($"{network.Info.Arch}: no square input up to 4096x4096 fits the layers asked for");
    }

    /// <summary>
    /// The square sides up to <paramref name="limit"/> that the network accepts up to
    /// <paramref name="targets"/>, smallest first: every side from the minimum on for most networks,
    /// multiples of 32 where asymmetric pads make a residual Add's inputs disagree otherwise.
    /// </summary>
    public static IReadOnlyList<int> Sides(Network network, IReadOnlyCollection<NetworkLayer> targets, int limit) =>
        [.. Enumerable.Range(1, limit).Where(side => Fits(network, side, targets))];

    /// <summary>The side in <paramref name="sides"/> nearest to <paramref name="side"/>, the larger on a tie.</summary>
    public static int Nearest(IReadOnlyList<int> sides, int side) =>
        sides.OrderBy(s => Math.Abs(s - side)).ThenByDescending(s => s).First();

    /// <summary>Whether every node up to <paramref name="targets"/> (all when null) accepts a square input of <paramref name="side"/>.</summary>
    public static bool Fits(Network network, int side, IReadOnlyCollection<NetworkLayer>? targets)
    {
        try
        {
            network.OutputShapes(1, side, side, targets);
            return true;
        }
        catch (ShapeException)
        {
            return false;
        }
    }

    /// <summary>
    /// A step of <paramref name="levels"/> pixel levels (0..255, the original DeepDream's units) in the
    /// network's normalized input units, with the mean std over the channels.
    /// </summary>
    public static float PixelLevels(ModelInfo info, float levels) => levels / 255f * info.InputRange / info.Std.Average();
}
