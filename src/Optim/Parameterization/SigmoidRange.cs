using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Unary;
using DeepVis.Ops;

namespace DeepVis.Optim.Parameterization;

/// <summary>
/// Squashes unbounded values into the pixel range 0..1 with the logistic function (Lucid's
/// to_valid_rgb with sigmoid=True): no clamp is ever needed, and parameters at 0 are mid grey.
/// </summary>
public sealed class SigmoidRange : IImageStage
{
    /// <summary>Pixels are kept this far inside 0..1 when inverted, so a black or white pixel has a finite logit.</summary>
    internal const float Margin = 1e-3f;

    public int[] InputShape(int[] outputShape) => outputShape;

    public void Forward(Tensor input, Tensor output) => UnaryKernels.Forward(new Sigmoid(), input, output);

    public void Backward(Tensor input, Tensor output, Tensor outputGradient, Tensor inputGradient) =>
        UnaryKernels.Backward(new Sigmoid(), input, output, outputGradient, inputGradient);

    /// <summary>The logit, on the host: it runs once, when a run starts from an image.</summary>
    public void Inverse(Tensor output, Tensor input) =>
        input.CopyFrom(Array.ConvertAll(output.ToArray(), p =>
        {
            var q = Math.Clamp(p, Margin, 1 - Margin);
            return MathF.Log(q / (1 - q));
        }));
}
