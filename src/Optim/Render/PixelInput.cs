using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Weights;

namespace DeepVis.Optim.Render;

/// <summary>The network's normalization for pixel images in 0..1 (in its channel order): (p * range - mean) / std = (p - mean / range) / (std / range).</summary>
public static class PixelInput
{
    public static ChannelStats Normalization(Device device, ModelInfo info) =>
        new(device, [.. info.Mean.Select(m => m / info.InputRange)], [.. info.Std.Select(s => s / info.InputRange)]);

    /// <summary>Normalized network inputs (its channel order) back to pixels in 0..1, clamped as a saved image is.</summary>
    public static float[] Pixels(float[] inputs, int channels, int plane, ModelInfo info)
    {
        var pixels = new float[inputs.Length];
        for (var i = 0; i < inputs.Length; i++)
        {
            var c = i / plane % channels;
            pixels[i] = Math.Clamp((inputs[i] * info.Std[c] + info.Mean[c]) / info.InputRange, 0f, 1f);
        }
        return pixels;
    }

    /// <summary>Pixels in 0..1 (the network's channel order) as normalized network inputs: the inverse of <see cref="Pixels"/> inside 0..1.</summary>
    public static float[] Inputs(float[] pixels, int channels, int plane, ModelInfo info)
    {
        var inputs = new float[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            var c = i / plane % channels;
            inputs[i] = (pixels[i] * info.InputRange - info.Mean[c]) / info.Std[c];
        }
        return inputs;
    }
}
