using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using DeepVis.Nets;

namespace DeepVis.Optim.Objectives;

/// <summary>
/// Feature inversion (Mahendran &amp; Vedaldi): loss_n = 0.5 ||F(x_n) - F(x0_n)||^2 / ||F(x0_n)||^2,
/// the target features captured from the originals, normalized per batch item so every image (and
/// every layer) starts near 1. Gradient (F(x) - F0) / ||F0||^2 per item.
/// </summary>
public sealed class FeatureMatchObjective : IObjective
{
    private readonly Tensor _target;
    private readonly Tensor _weights;
    private readonly Tensor _difference;
    private readonly Tensor _stats;
    private readonly float[] _hostWeights;

    /// <summary>An objective on <paramref name="layer"/>'s output of shape <paramref name="featureShape"/>; set the target with <see cref="Retarget"/> before the first step.</summary>
    public FeatureMatchObjective(NetworkLayer layer, Device device, int[] featureShape)
    {
        Layer = layer;
        _target = new Tensor(device, featureShape);
        _difference = new Tensor(device, featureShape);
        _stats = new Tensor(device, featureShape[0], ImageStats.Count);
        _weights = new Tensor(device, featureShape[0]);
        _hostWeights = new float[featureShape[0]];
    }

    /// <summary>Matches <paramref name="target"/>, the features of the images to invert; takes ownership of it.</summary>
    public FeatureMatchObjective(NetworkLayer layer, Tensor target) : this(layer, target.Device, [.. target.Shape])
    {
        Retarget(target);
        target.Dispose();
    }

    public NetworkLayer Layer { get; }

    /// <summary>Copies new target features (a movie's next frame) and their per-item weights 1 / ||F0||^2 (reads back N floats).</summary>
    public void Retarget(Tensor features)
    {
        features.CopyTo(_target);
        ImageStats.Compute(_target, _stats);
        var stats = _stats.ToArray(); // once per target, not per step
        for (var n = 0; n < _hostWeights.Length; n++)
            _hostWeights[n] = 1f / Math.Max(stats[n * ImageStats.Count + ImageStats.SumOfSquares], 1e-12f);
        _weights.CopyFrom(_hostWeights);
    }

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
