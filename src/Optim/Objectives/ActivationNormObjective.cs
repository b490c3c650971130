using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using DeepVis.Nets;

namespace DeepVis.Optim.Objectives;

/// <summary>DeepDream's objective: maximize 0.5 * ||activation||^2. Loss = -0.5 ||a||^2, gradient -a.</summary>
public sealed class ActivationNormObjective(NetworkLayer layer, Device device, int batch) : IObjective
{
    private readonly Tensor _stats = new(device, batch, ImageStats.Count);

    public NetworkLayer Layer { get; } = layer;

    public void AddGradient(Tensor activation, Tensor gradient) => Arithmetic.Axpy(-1f, activation, gradient);

    public float[] Loss(Tensor activation)
    {
        ImageStats.Compute(activation, _stats);
        var stats = _stats.ToArray();
        return Enumerable.Range(0, activation.N).Select(n => -0.5f * stats[n * ImageStats.Count + ImageStats.SumOfSquares]).ToArray();
    }

    public void Dispose() => _stats.Dispose();
}
