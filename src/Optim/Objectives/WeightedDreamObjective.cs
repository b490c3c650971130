using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using DeepVis.Nets;

namespace DeepVis.Optim.Objectives;

/// <summary>
/// DeepDream's 0.5 ||activation||^2 with a weight per batch item (zero for items a term does not
/// apply to): loss -0.5 w_n ||a_n||^2, gradient -w_n a_n, the weights on the device.
/// </summary>
public sealed class WeightedDreamObjective(NetworkLayer layer, Device device, float[] weights) : IObjective
{
    private readonly Tensor _negated = Tensor.FromArray(device, Array.ConvertAll(weights, w => -w), weights.Length);
    private readonly Tensor _stats = new(device, weights.Length, ImageStats.Count);

    public NetworkLayer Layer { get; } = layer;

    public void AddGradient(Tensor activation, Tensor gradient) => Arithmetic.AxpyPerItem(_negated, activation, gradient);

    public float[] Loss(Tensor activation)
    {
        ImageStats.Compute(activation, _stats);
        var stats = _stats.ToArray();
        return [.. weights.Select((w, n) => -0.5f * w * stats[n * ImageStats.Count + ImageStats.SumOfSquares])];
    }

    public void Dispose()
    {
        _negated.Dispose();
        _stats.Dispose();
    }
}
