using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using DeepVis.Nets;

namespace DeepVis.Optim.Objectives;

/// <summary>
/// Feature inversion (Mahendran &amp; Vedaldi): loss_n = 0.5 ||F(x_n) - F(x0_n)||^2 / ||F(x0_n)||^2,
/// the target features captured once from the originals. Gradient (F(x) - F0) / ||F0||^2 per item.
/// </summary>
public sealed class FeatureMatchObjective : IObjective
{
    private readonly Tensor _target;
    private readonly Tensor _weights;
    private readonly Tensor _difference;
    private readonly Tensor _stats;
    private readonly float[] _hostWeights;

    /// <summary>Takes ownership of <paramref name="target"/>, the features of the images to invert.</summary>
    public FeatureMatchObjective(NetworkLayer layer, Tensor target)
    {
        Layer = layer;
        _target = target;
        var device = target.Device;
        _stats = new Tensor(device, target.N, ImageStats.Count);
        ImageStats.Compute(target, _stats);
        var stats = _stats.ToArray(); // once, at set-up
        _hostWeights = Enumerable.Range(0, target.N)
            .Select(n => 1f / Math.Max(stats[n * ImageStats.Count + ImageStats.SumOfSquares], 1e-12f)).ToArray();
        _weights = Tensor.FromArray(device, _hostWeights, target.N);
        _difference = new Tensor(device, [.. target.Shape]);
    }

    public NetworkLayer Layer { get; }

    public void AddGradient(Tensor activation, Tensor gradient)
    {
        Arithmetic.Subtract(activation, _target, _difference);
        Arithmetic.AxpyPerItem(_weights, _difference, gradient);
    }

    public float[] Loss(Tensor activation)
    {
        Arithmetic.Subtract(activation, _target, _difference);
        ImageStats.Compute(_difference, _stats);
        var stats = _stats.ToArray();
        return Enumerable.Range(0, activation.N)
            .Select(n => 0.5f * stats[n * ImageStats.Count + ImageStats.SumOfSquares] * _hostWeights[n]).ToArray();
    }

    public void Dispose()
    {
        _target.Dispose();
        _weights.Dispose();
        _difference.Dispose();
        _stats.Dispose();
    }
}
