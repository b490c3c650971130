using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;

namespace DeepVis.Optim.Objectives;

/// <summary>
/// <paramref name="weight"/> times Lucid's direction with a cosine power (<see cref="DirectionCosine"/>),
/// the mean over positions, for every batch item or only <paramref name="batch"/>. Loss = -value.
/// </summary>
public sealed class DirectionCosineObjective(NetworkLayer layer, Device device, int[] outputShape, float[] direction, float power, float weight, int? batch)
    : IObjective
{
    private readonly Tensor _direction = Tensor.FromArray(device, direction, direction.Length);
    private readonly int _positions = outputShape.Skip(2).Aggregate(1, (a, b) => a * b);
    private readonly Tensor _values = new(device, outputShape[0], outputShape.Skip(2).Aggregate(1, (a, b) => a * b));

    public NetworkLayer Layer { get; } = layer;

    public void AddGradient(Tensor activation, Tensor gradient) =>
        DirectionCosine.AddGradient(activation, _direction, gradient, power, -weight / _positions, batch ?? -1);

    public float[] Loss(Tensor activation)
    {
        DirectionCosine.Values(activation, _direction, _values, power);
        var values = _values.ToArray();
        return [.. Enumerable.Range(0, activation.N).Select(n =>
            batch is { } only && only != n ? 0f : -weight * values.AsSpan(n * _positions, _positions).ToArray().Average())];
    }

    public void Dispose()
    {
        _direction.Dispose();
        _values.Dispose();
    }
}
