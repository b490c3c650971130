using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Update;
using DeepVis.Nets;

namespace DeepVis.Optim.Objectives;

/// <summary>
/// <paramref name="weight"/> times Lucid's diversity at a layer (<see cref="Diversity"/>: the summed
/// cosine similarity of the batch's Gram matrices; a negative weight pushes the images apart). Item i's
/// share of the value is (w / B) sum_(j != i) cos(G_i, G_j), so the items' losses add up to the whole.
/// </summary>
public sealed class DiversityObjective : IObjective
{
    private readonly float _weight;
    private readonly Tensor _gram;
    private readonly Tensor _gramGradient;
    private readonly Tensor _pairs;
    private readonly Tensor _scratch;

    public DiversityObjective(NetworkLayer layer, Device device, int[] outputShape, float weight)
    {
        if (outputShape.Length < 2) throw new ObjectiveException($"diversity needs a layer with channels, {layer.Address} has shape {Tensor.Format(outputShape)}");
        Layer = layer;
        _weight = weight;
        var (n, c) = (outputShape[0], outputShape[1]);
        _gram = new Tensor(device, n, c, c);
        _gramGradient = new Tensor(device, n, c, c);
        _pairs = new Tensor(device, n, n);
        _scratch = new Tensor(device, outputShape);
    }

    public NetworkLayer Layer { get; }

    public void AddGradient(Tensor activation, Tensor gradient)
    {
        Gram.Forward(activation, _gram);
        Diversity.Pairs(_gram, _pairs);
        // The loss is -w D.
        Diversity.GramGradient(_gram, _pairs, _gramGradient, -_weight);
        Gram.Backward(activation, _gramGradient, _scratch);
        Arithmetic.Axpy(1f, _scratch, gradient);
    }

    public float[] Loss(Tensor activation)
    {
        Gram.Forward(activation, _gram);
        Diversity.Pairs(_gram, _pairs);
        var p = _pairs.ToArray();
        var b = activation.N;
        var norms = Enumerable.Range(0, b).Select(i => Math.Sqrt(Math.Max(p[i * b + i], Diversity.Epsilon))).ToArray();
        return [.. Enumerable.Range(0, b).Select(i =>
            (float)(-_weight / b * Enumerable.Range(0, b).Where(j => j != i).Sum(j => p[i * b + j] / (norms[i] * norms[j]))))];
    }

    public void Dispose()
    {
        _gram.Dispose();
        _gramGradient.Dispose();
        _pairs.Dispose();
        _scratch.Dispose();
    }
}
