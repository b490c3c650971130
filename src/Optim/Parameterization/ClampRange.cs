using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Unary;
using DeepVis.Kernels.Update;

namespace DeepVis.Optim.Parameterization;

/// <summary>
/// Clamps values into the pixel range: y = clamp(x + 0.5, 0, 1), so parameters at 0 are mid grey as
/// with <see cref="SigmoidRange"/> (Lucid's to_valid_rgb with sigmoid=False). The gradient passes
/// unchanged inside the range and is zero outside (PyTorch's hardtanh_backward).
/// </summary>
public sealed class ClampRange(Device device, int[] imageShape) : IImageStage
{
    private const float Offset = 0.5f;

    private readonly Tensor _offset = Filled(device, imageShape);

    private static readonly Clip Centred = new(-Offset, Offset);

    public int[] InputShape(int[] outputShape) => outputShape;

    // clamp(x + 0.5, 0, 1) = clamp(x, -0.5, 0.5) + 0.5: the clip kernel and an axpy with a constant tensor.
    public void Forward(Tensor input, Tensor output)
    {
        UnaryKernels.Forward(Centred, input, output);
        Arithmetic.Axpy(1f, _offset, output);
    }

    public void Backward(Tensor input, Tensor output, Tensor outputGradient, Tensor inputGradient) =>
        UnaryKernels.Backward(Centred, input, output, outputGradient, inputGradient);

    /// <summary>
    /// The pixel less the offset, on the host: it runs once, when a run starts from an image. Kept inside
    /// the range by <see cref="SigmoidRange.Margin"/>, so a black or white start still has a gradient.
    /// </summary>
    public void Inverse(Tensor output, Tensor input) =>
        input.CopyFrom(Array.ConvertAll(output.ToArray(), p => Math.Clamp(p, SigmoidRange.Margin, 1 - SigmoidRange.Margin) - Offset));

    public void Dispose() => _offset.Dispose();

    private static Tensor Filled(Device device, int[] shape)
    {
        var tensor = new Tensor(device, shape);
        tensor.Fill(Offset);
        return tensor;
    }
}
