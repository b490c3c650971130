using System.Globalization;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;

namespace DeepVis.Optim.Objectives;

/// <summary>An objective that does not fit the network: an unknown layer, a channel past its width, a bad direction file, a batch index past the batch.</summary>
public sealed class ObjectiveException(string message) : DeepVisException(message);

/// <summary>
/// Turns an <see cref="Objective"/> into the device objectives of <see cref="ImageOptimizer"/> for a
/// batch of images: every linear term (channel means, neurons, directions) at one layer folds into one
/// constant mask, so a sum of them costs one dot product; DeepDream and diversity terms get their own.
/// </summary>
public static class ObjectiveBuilder
{
    public static IReadOnlyList<IObjective> Build(Network network, Objective objective, int batch, int height, int width)
    {
        var layers = objective.Terms.Select(t => network.Resolve(t.Term.Layer)).ToList();
        var shapes = network.OutputShapes(batch, height, width, layers.DistinctBy(l => l.Index).ToList());
        var masks = new Dictionary<int, float[]>();
        var dreams = new Dictionary<int, float[]>();
        var result = new List<IObjective>();
        for (var k = 0; k < objective.Terms.Count; k++)
        {
            var (term, layer) = (objective.Terms[k], layers[k]);
            var shape = shapes[layer.Index];
            if (term.Batch is { } b && b >= batch)
                throw new ObjectiveException($"{term}: batch image {b} is beyond the batch of {batch} (0 to {batch - 1})");
            var items = term.Batch is { } only ? [only] : Enumerable.Range(0, batch).ToArray();
            if (term.Term is not ObjectiveTerm.DeepDream && network.ChannelsLastProblem(layer, shapes) is { } problem)
                throw new ObjectiveException($"{term}: {problem}");
            switch (term.Term)
            {
                case ObjectiveTerm.Diversity:
                    if (term.Batch is not null) throw new ObjectiveException($"{term}: diversity compares the whole batch, it takes no '@' image");
                    result.Add(new DiversityObjective(layer, network.Device, shape, (float)term.Weight));
                    break;
                case ObjectiveTerm.Direction { CosinePower: > 0 } d:
                    var vector = ReadVector(d.File);
                    if (vector.Length != shape[1])
                        throw new ObjectiveException($"{term}: the direction has {vector.Length} values, {d.Layer} has {shape[1]} channels");
                    result.Add(new DirectionCosineObjective(layer, network.Device, shape, vector, (float)d.CosinePower, (float)term.Weight, term.Batch));
                    break;
                case ObjectiveTerm.DeepDream:
                    var weights = dreams.TryGetValue(layer.Index, out var w) ? w : dreams[layer.Index] = new float[batch];
                    foreach (var n in items) weights[n] += (float)term.Weight;
                    break;
                default:
                    var mask = masks.TryGetValue(layer.Index, out var m) ? m : masks[layer.Index] = new float[shape.Aggregate(1, (a, c) => a * c)];
                    AddLinear(mask, shape, term, items);
                    break;
            }
        }
        foreach (var (index, mask) in masks)
            result.Add(MaskObjective.FromMask(network.Device, network.Layers[index], shapes[index], mask));
        foreach (var (index, weights) in dreams)
            result.Add(new WeightedDreamObjective(network.Layers[index], network.Device, weights));
        return result;
    }

    /// <summary>Adds weight * the term's mask to the rows of <paramref name="items"/>.</summary>
    private static void AddLinear(float[] mask, int[] shape, WeightedTerm term, int[] items)
    {
        var channels = shape[1];
        var positions = shape.Skip(2).Aggregate(1, (a, b) => a * b);
        var item = channels * positions;
        var weight = (float)term.Weight;
        int Channel(int index) => index < channels ? index
            : throw new ObjectiveException($"{term}: channel {index} is beyond {term.Term.Layer}, which has {channels} (0 to {channels - 1})");
        foreach (var n in items)
            switch (term.Term)
            {
                case ObjectiveTerm.Channel c:
                    for (var p = 0; p < positions; p++) mask[n * item + Channel(c.Index) * positions + p] += weight / positions;
                    break;
                case ObjectiveTerm.Neuron neuron:
                    // Row H/2, column W/2 (Lucid's centre), whatever the map's aspect.
                    var centre = shape.Length == 4 ? shape[2] / 2 * shape[3] + shape[3] / 2 : 0;
                    mask[n * item + Channel(neuron.Index) * positions + centre] += weight;
                    break;
                case ObjectiveTerm.Direction d:
                    var vector = ReadVector(d.File);
                    if (vector.Length != channels)
                        throw new ObjectiveException($"{term}: the direction has {vector.Length} values, {d.Layer} has {channels} channels");
                    for (var c = 0; c < channels; c++)
                        for (var p = 0; p < positions; p++) mask[n * item + c * positions + p] += weight * vector[c] / positions;
                    break;
            }
    }

    /// <summary>A direction file: numbers separated by whitespace or commas.</summary>
    private static float[] ReadVector(string path)
    {
        if (!File.Exists(path)) throw new ObjectiveException($"direction file {path} does not exist");
        var parts = File.ReadAllText(path).Split([' ', '\t', '\r', '\n', ','], StringSplitOptions.RemoveEmptyEntries);
        return [.. parts.Select(s => float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && float.IsFinite(v)
            ? v : throw new ObjectiveException($"direction file {path}: '{s}' is not a number"))];
    }
}
