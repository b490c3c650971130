using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.Nets;

/// <summary>A layer in a network, with its index in the flattened list and every name it answers to.</summary>
public sealed record NetworkLayer(int Index, string Address, IReadOnlyList<string> Aliases, ILayer Layer)
{
    /// <summary>The friendliest name, for file names and reports: the first alias (relu1_1), else the address.</summary>
    public string Name => Aliases.Count > 0 ? Aliases[0] : Address;
}

/// <summary>
/// A network: a sequence of layers on one device, built from a weights file. Sequential for now; a
/// graph with concatenation (GoogLeNet) would replace the list, not the layers.
/// </summary>
public sealed class Network : IDisposable
{
    private Network(Device device, ModelInfo info, IReadOnlyList<NetworkLayer> layers)
    {
        Device = device;
        Info = info;
        Layers = layers;
    }

    public Device Device { get; }
    public ModelInfo Info { get; }
    public IReadOnlyList<NetworkLayer> Layers { get; }

    public static Network Load(Device device, string path) => Build(device, WeightsFile.Read(path));

    /// <summary>Assembles the architecture the file names, checking every tensor's shape on the way.</summary>
    public static Network Build(Device device, WeightsFile weights)
    {
        var info = weights.Info;
        var layout = Architectures.Find(info.Arch)
            ?? throw new WeightsException($"unknown architecture '{info.Arch}'; known: {string.Join(", ", Architectures.Names)}");
        // Keras "notop" files have no classifier: the network then ends with the feature stack.
        var hasTop = layout.Classifier.SelectMany(s => s.TensorNames).Any(n => weights.Find(n) is not null);
        var specs = hasTop ? [.. layout.Features, .. layout.Classifier] : layout.Features.Where(s => s.Address != "avgpool").ToList();
        var cursor = new ShapeCursor([info.InputChannels, info.DefaultSize, info.DefaultSize]);
        var layers = new List<NetworkLayer>();
        try
        {
            foreach (var spec in specs)
                layers.Add(new NetworkLayer(layers.Count, spec.Address, spec.Aliases, spec.Build(device, weights, cursor)));
        }
        catch (ShapeException e)
        {
            foreach (var l in layers) l.Layer.Dispose();
            throw new WeightsException($"{info.Arch}: input {info.InputChannels}x{info.DefaultSize}x{info.DefaultSize} does not fit: {e.Message}");
        }
        catch
        {
            foreach (var l in layers) l.Layer.Dispose();
            throw;
        }
        var known = specs.SelectMany(s => s.TensorNames).ToHashSet();
        var unused = weights.Tensors.Select(t => t.Name).FirstOrDefault(n => !known.Contains(n));
        if (unused is not null)
        {
            foreach (var l in layers) l.Layer.Dispose();
            throw new WeightsException($"{info.Arch}: weight tensor '{unused}' belongs to no layer of this architecture");
        }
        return new Network(device, info, layers);
    }

    /// <summary>
    /// A layer by torchvision address (features.10), alias (conv4_3, block4_conv3, fc6, logits,
    /// case-insensitive) or index into the flattened list; otherwise an error listing the valid names.
    /// </summary>
    public NetworkLayer Resolve(string name)
    {
        var text = name.Trim();
        if (int.TryParse(text, out var index))
        {
            if (index >= 0 && index < Layers.Count) return Layers[index];
            throw new LayerNotFoundException($"layer index {index} is out of range: this {Info.Arch} has layers 0 to {Layers.Count - 1}");
        }
        var match = Layers.FirstOrDefault(l => l.Address.Equals(text, StringComparison.OrdinalIgnoreCase)
            || l.Aliases.Any(a => a.Equals(text, StringComparison.OrdinalIgnoreCase)));
        return match ?? throw new LayerNotFoundException(
            $"unknown layer '{name}' in {Info.Arch}; valid: {string.Join(", ", Layers.Select(Describe))}, or an index 0-{Layers.Count - 1}");
    }

    /// <summary>The output shape of every layer for an input of N x C x height x width.</summary>
    public IReadOnlyList<int[]> OutputShapes(int n, int height, int width)
    {
        var shapes = new List<int[]>();
        IReadOnlyList<int> shape = [n, Info.InputChannels, height, width];
        foreach (var layer in Layers)
        {
            var output = layer.Layer.OutputShape(shape);
            shapes.Add(output);
            shape = output;
        }
        return shapes;
    }

    public void Dispose()
    {
        foreach (var layer in Layers) layer.Layer.Dispose();
    }

    private static string Describe(NetworkLayer l) => l.Aliases.Count == 0 ? l.Address : $"{l.Address} ({string.Join("/", l.Aliases)})";
}

/// <summary>A layer name that matches nothing; the message lists the valid names.</summary>
public sealed class LayerNotFoundException(string message) : Exception(message);
