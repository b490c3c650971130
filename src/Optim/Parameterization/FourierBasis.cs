using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim.Parameterization;

/// <summary>
/// Lucid's spectral image: the parameters are an rfft2 spectrum, each frequency scaled by
/// 1 / max(f, 1 / max(W, H))^decay and the result divided by 4 (Lucid's fft_image), then the inverse
/// DFT. Gradient steps on the spectrum move low frequencies as much as high ones, so the image does
/// not fill with the high-frequency patterns that pixel steps favour.
/// </summary>
public sealed class FourierBasis(Device device, int[] imageShape, float decay) : IImageStage
{
    /// <summary>Lucid's fft_image divides the image by 4.</summary>
    private const float Gain = 0.25f;

    private readonly Tensor _scaled = new(device, Fft2d.SpectrumShape(imageShape));
    private readonly Fft2d _fft = new(device, imageShape);
    private readonly int _width = imageShape[3];

    public int[] InputShape(int[] outputShape) => Fft2d.SpectrumShape(outputShape);

    public void Forward(Tensor input, Tensor output)
    {
        SpectralScale.Apply(input, _scaled, _width, decay, Gain);
        _fft.Inverse(_scaled, output);
    }

    public void Backward(Tensor input, Tensor output, Tensor outputGradient, Tensor inputGradient)
    {
        _fft.InverseAdjoint(outputGradient, inputGradient);
        SpectralScale.Apply(inputGradient, inputGradient, _width, decay, Gain);
    }

    public void Inverse(Tensor output, Tensor input)
    {
        _fft.Forward(output, input);
        SpectralScale.Apply(input, input, _width, -decay, 1 / Gain);
    }

    public void Dispose()
    {
        _scaled.Dispose();
        _fft.Dispose();
    }
}
