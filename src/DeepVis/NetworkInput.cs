using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;

namespace DeepVis;

/// <summary>Pictures as a network's input batch: normalized as the model expects and resized on its device.</summary>
public static class NetworkInput
{
    /// <summary>
    /// Images in the model's channels as one normalized [N, C, height, width] batch: each normalized,
    /// then resized on the device (bilinear, as PyTorch's interpolate).
    /// </summary>
    public static float[] Prepare(Network network, IReadOnlyList<PlanarImage> images, int height, int width)
    {
        var channels = network.Info.InputChannels;
        if (images.FirstOrDefault(i => i.Channels != channels) is { } other)
            throw new ImageException($"an image of {other.Channels} channel{(other.Channels == 1 ? "" : "s")} for a model of {channels}: " +
                "load it with the model's channels (PlanarImage.Load(path, model.Info.InputChannels))");
        var batch = new float[images.Count * channels * height * width];
        using var resized = new Tensor(network.Device, 1, channels, height, width);
        for (var i = 0; i < images.Count; i++)
        {
            var image = images[i];
            using var original = Tensor.FromArray(network.Device, network.Info.Normalize(image.Data, image.Height * image.Width),
                1, channels, image.Height, image.Width);
            Resize.Forward(original, resized);
            resized.ToArray().CopyTo(batch, i * resized.Length);
        }
        return batch;
    }
}
