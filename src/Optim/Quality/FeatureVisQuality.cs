using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Optim.Render;
using DeepVis.Optim.Transforms;

namespace DeepVis.Optim.Quality;

/// <summary>
/// The measures of a feature visualization (render-quality's table): the channel mean it reaches, how much of
/// it survives a shift, rescaling or rotation (a robust image, not an adversarial pattern), and how
/// much of its spectral energy lies above half the Nyquist frequency (high-frequency noise).
/// </summary>
public static class FeatureVisQuality
{
    /// <summary>The transforms of the robustness measure: shift by 8 px, scale by 0.9 and 1.1, rotate by 10 degrees.</summary>
    public static readonly IReadOnlyList<TransformChain> Perturbations =
    [
        TransformChain.Parse("shift:8/0"),
        TransformChain.Parse("scale:0.9/0.9"),
        TransformChain.Parse("scale:1.1/1.1"),
        TransformChain.Parse("rotate:10/10"),
    ];

    /// <summary>Each image's mean of its own channel, channels[n], at the layer, for normalized inputs [N, C, H, W].</summary>
    public static float[] ChannelMeans(Network network, NetworkLayer layer, Tensor inputs, IReadOnlyList<int> channels) =>
        Means(Outputs(network, layer, inputs), channels);

    /// <summary>Channel means of pixel images (0..1, the network's channel order).</summary>
    public static float[] PixelChannelMeans(Network network, NetworkLayer layer, float[] pixels, int[] shape, IReadOnlyList<int> channels) =>
        Means(PixelOutputs(network, layer, pixels, shape), channels);

    /// <summary>The layer's output for pixel images (0..1, the network's channel order) [N, C, H, W].</summary>
    public static (float[] Values, int[] Shape) PixelOutputs(Network network, NetworkLayer layer, float[] pixels, int[] shape)
    {
        using var normalization = PixelInput.Normalization(network.Device, network.Info);
        using var image = Tensor.FromArray(network.Device, pixels, shape);
        using var input = new Tensor(network.Device, shape);
        Normalize.Forward(image, normalization, input);
        return Outputs(network, layer, input);
    }

    private static (float[] Values, int[] Shape) Outputs(Network network, NetworkLayer layer, Tensor inputs)
    {
        using var workspace = new Workspace(network, [.. inputs.Shape], layer);
        inputs.CopyTo(workspace.Input);
        workspace.Forward();
        var output = workspace.OutputOf(layer.Index);
        return (output.ToArray(), [.. output.Shape]);
    }

    private static float[] Means((float[] Values, int[] Shape) output, IReadOnlyList<int> channels)
    {
        var (c, plane) = (output.Shape[1], output.Values.Length / output.Shape[0] / output.Shape[1]);
        return [.. channels.Select((channel, n) => output.Values.AsSpan((n * c + channel) * plane, plane).ToArray().Average())];
    }

    /// <summary>
    /// Per image, the mean over <see cref="Perturbations"/> of the perturbed image's channel mean over the
    /// unperturbed one's; NaN for an image whose channel mean is not positive (no share to keep).
    /// </summary>
    public static double[] Robustness(Network network, NetworkLayer layer, float[] pixels, int[] shape, IReadOnlyList<int> channels)
    {
        var original = PixelChannelMeans(network, layer, pixels, shape, channels);
        var kept = new double[shape[0]];
        using var image = Tensor.FromArray(network.Device, pixels, shape);
        using var moved = new Tensor(network.Device, shape);
        foreach (var perturbation in Perturbations)
        {
            using var maps = perturbation.Upload(network.Device, 1, shape[0], shape[2], shape[3], new Random(0));
            AffineSample.Forward(image, moved, maps, 0, TransformChain.Padding);
            var values = PixelChannelMeans(network, layer, moved.ToArray(), shape, channels);
            for (var n = 0; n < kept.Length; n++) kept[n] += original[n] > 0 ? values[n] / original[n] / Perturbations.Count : double.NaN;
        }
        return kept;
    }

    /// <summary>
    /// Per image, the share of the spectral energy (mean removed) at frequencies above a quarter cycle
    /// per pixel (half of Nyquist), over all channels; each stored rfft column counts for itself and its conjugate.
    /// </summary>
    public static double[] HighFrequencyShare(Device device, float[] pixels, int[] shape)
    {
        using var image = Tensor.FromArray(device, pixels, shape);
        var spectrumShape = Fft2d.SpectrumShape(shape);
        using var spectrum = new Tensor(device, spectrumShape);
        using var fft = new Fft2d(device, shape);
        fft.Forward(image, spectrum);
        var x = spectrum.ToArray();
        var (n, c, h, w, k) = (shape[0], shape[1], shape[2], shape[3], spectrumShape[3]);
        var share = new double[n];
        for (var i = 0; i < n; i++)
        {
            double high = 0, total = 0;
            for (var ch = 0; ch < c; ch++)
                for (var ky = 0; ky < h; ky++)
                    for (var kx = 0; kx < k; kx++)
                    {
                        if (ky == 0 && kx == 0) continue;
                        var at = 2 * (((i * c + ch) * h + ky) * k + kx);
                        var energy = (kx == 0 || 2 * kx == w ? 1 : 2) * ((double)x[at] * x[at] + (double)x[at + 1] * x[at + 1]);
                        var fy = (2 * ky < h ? ky : ky - h) / (double)h;
                        var f = Math.Sqrt(fy * fy + Math.Pow(kx / (double)w, 2));
                        total += energy;
                        if (f > 0.25) high += energy;
                    }
            share[i] = total > 0 ? high / total : 0;
        }
        return share;
    }
}
