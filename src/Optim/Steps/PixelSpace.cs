using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Weights;

namespace DeepVis.Optim.Steps;

/// <summary>
/// Converts between the network's normalized input and pixels in 0..1 on the device, so that filters
/// with value-scale parameters (a bilateral range sigma, a TV weight) mean the same on every model:
/// p = (x * std[c] + mean[c]) / range, which is denormalizing with mean / range and std / range.
/// </summary>
public sealed class PixelSpace(Device device, ModelInfo info) : IDisposable
{
    private readonly ChannelStats _stats = new(device,
        Array.ConvertAll(info.Mean, m => m / info.InputRange), Array.ConvertAll(info.Std, s => s / info.InputRange));

    /// <summary>pixels = the images in 0..1; <paramref name="pixels"/> may be <paramref name="image"/>.</summary>
    public void ToPixels(Tensor image, Tensor pixels) => Normalize.Denormalize(image, _stats, pixels);

    /// <summary>image = the pixels normalized back; <paramref name="image"/> may be <paramref name="pixels"/>.</summary>
    public void FromPixels(Tensor pixels, Tensor image) => Normalize.Forward(pixels, _stats, image);

    public void Dispose() => _stats.Dispose();
}
