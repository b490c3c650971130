using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;

namespace DeepVis.Optim;

/// <summary>What input sizes and step sizes mean for a network.</summary>
public static class InputSize
{
    /// <summary>
    /// The smallest square input the whole network accepts: every convolution and pool still produces
    /// at least one pixel. A workspace infers the shapes of every layer, so this holds for any target layer.
    /// </summary>
    public static int Minimum(Network network)
    {
        for (var size = 1; size <= 4096; size++)
        {
            try
            {
                network.OutputShapes(1, size, size);
                return size;
            }
            catch (ShapeException)
            {
                // too small for some layer: try the next size
            }
        }
        throw new ArgumentException($"{network.Info.Arch}: no square input up to 4096x4096 fits every layer");
    }

    /// <summary>
    /// A step of <paramref name="levels"/> pixel levels (0..255, the original DeepDream's units) in the
    /// network's normalized input units, with the mean std over the channels.
    /// </summary>
    public static float PixelLevels(ModelInfo info, float levels) => levels / 255f * info.InputRange / info.Std.Average();
}
