using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim.Parameterization;

/// <summary>
/// One differentiable stage between the optimized parameters and the pixel image (the spectrum to
/// pixels, decorrelated to RGB colour, unbounded values into 0..1). Stages only enqueue device work.
/// </summary>
public interface IImageStage : IDisposable
{
    /// <summary>The shape this stage reads, for the NCHW shape it writes.</summary>
    int[] InputShape(int[] outputShape);

    void Forward(Tensor input, Tensor output);

    /// <summary>inputGradient = J^T outputGradient at <paramref name="input"/> (whose forward gave <paramref name="output"/>).</summary>
    void Backward(Tensor input, Tensor output, Tensor outputGradient, Tensor inputGradient);

    /// <summary>The input that gives <paramref name="output"/>: how a run starts from a given image.</summary>
    void Inverse(Tensor output, Tensor input);

    void IDisposable.Dispose() { }
}
