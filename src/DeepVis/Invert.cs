using DeepVis.Images;
using DeepVis.Optim;

namespace DeepVis;

/// <summary>Feature inversion (Mahendran &amp; Vedaldi) with the presets and defaults of <c>deepvis invert</c>, run by <see cref="Inversion"/>.</summary>
public static class Invert
{
    /// <summary>
    /// The picture whose features at <paramref name="layer"/> match those of <paramref name="image"/>,
    /// at <paramref name="size"/> pixels square (null: the model's input size).
    /// </summary>
    /// <param name="model">The network.</param>
    /// <param name="image">The picture, in the model's channels.</param>
    /// <param name="layer">Address, alias or index of the layer whose features are matched.</param>
    /// <param name="preset">mahendran, blur or exact (<see cref="InversionPresets"/>).</param>
    /// <param name="size">Side of the inverted picture; null: the model's input size.</param>
    /// <param name="iterations">Steps; null: the preset's.</param>
    /// <param name="seed">Seed of the start and the steps' randomness.</param>
    public static PlanarImage Run(Model model, PlanarImage image, string layer, string preset = InversionPresets.Mahendran, int? size = null,
        int? iterations = null, int seed = 0)
    {
        var (network, info) = (model.Network, model.Info);
        var target = network.Resolve(layer);
        var side = size ?? info.DefaultSize;
        var shapes = network.OutputShapes(1, side, side, [target]);
        var settings = InversionPresets.For(preset, info, side, side, shapes[target.Index])
            ?? throw new SettingsException($"unknown preset '{preset}'; presets: {string.Join(", ", InversionPresets.Names)}");
        settings = settings with { Iterations = iterations ?? settings.Iterations };
        if (settings.Problem(side, side) is { } problem) throw new SettingsException(problem);
        int[] shape = [1, info.InputChannels, side, side];
        var result = Inversion.Run(network, NetworkInput.Prepare(network, [image], side, side), shape, target, settings, new Random(seed));
        return ImageSaver.ToPixels(result.Images, 0, info.InputChannels, side, side, info);
    }
}
