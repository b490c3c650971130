using DeepVis.Images;
using DeepVis.Optim;

namespace DeepVis;

/// <summary>DeepDream on a picture with the defaults of <c>deepvis dream</c>, run by <see cref="DeepDream"/>.</summary>
public static class Dream
{
    /// <summary>
    /// Amplifies what <paramref name="layer"/> (address, alias or index) sees in <paramref name="image"/>
    /// over an octave pyramid at the image's own size (or the nearest the layer accepts); the same seed
    /// gives what <c>deepvis dream --seed</c> gives.
    /// </summary>
    /// <param name="model">The network.</param>
    /// <param name="image">The picture, in the model's channels.</param>
    /// <param name="layer">The layer whose squared activation norm grows.</param>
    /// <param name="octaves">Octaves in the pyramid.</param>
    /// <param name="octaveScale">Size ratio between octaves, above 1.</param>
    /// <param name="iterations">Steps per octave.</param>
    /// <param name="stepSize">Step in pixel levels (0..255) per mean |gradient|.</param>
    /// <param name="jitter">Largest random shift per step in pixels; null: 32 per 224 pixels of the smaller side.</param>
    /// <param name="seed">Seed of the random shifts.</param>
    public static PlanarImage Run(Model model, PlanarImage image, string layer, int octaves = 4, float octaveScale = 1.4f, int iterations = 10,
        float stepSize = 1.5f, int? jitter = null, int seed = 0)
    {
        var network = model.Network;
        var targets = new[] { network.Resolve(layer) };
        var pyramid = DeepDream.Pyramid(network, targets, image.Height, image.Width, octaves, octaveScale);
        var (height, width) = (pyramid.Height, pyramid.Width);
        var settings = new DreamSettings(iterations, InputSize.PixelLevels(model.Info, stepSize), jitter ?? DeepDream.DefaultJitter(height, width));
        var dream = DeepDream.Run(network, targets, NetworkInput.Prepare(network, [image], height, width), pyramid.Octaves, settings, new Random(seed));
        return ImageSaver.ToPixels(dream.Image, 0, model.Info.InputChannels, height, width, model.Info);
    }
}
