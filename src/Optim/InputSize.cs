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
            try
            {
                network.OutputShapes(1, size, size, targets);
                return size;
            }
            catch (ShapeException)
            {
                // too small for some layer: try the next size
            }
        }
        throw new ArgumentException($"{network.Info.Arch}: no square input up to 4096x4096 fits the layers asked for");
    }

    /// <summary>
    /// A step of <paramref name="levels"/> pixel levels (0..255, the original DeepDream's units) in the
    /// network's normalized input units, with the mean std over the channels.
    /// </summary>
    public static float PixelLevels(ModelInfo info, float levels) => levels / 255f * info.InputRange / info.Std.Average();
}
