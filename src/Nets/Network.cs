using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Files;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Ops;

namespace DeepVis.Nets;

/// <summary>
/// A node of a network: its index in the topological order, every name it answers to, its layer, and
/// the nodes it reads (<see cref="Network.InputIndex"/> for the network input).
/// </summary>
public sealed record NetworkLayer(int Index, string Address, IReadOnlyList<string> Aliases, ILayer Layer, IReadOnlyList<int> Inputs)
{
    /// <summary>What the address means where that needs saying (a ReLU module called twice, a folded BatchNorm).</summary>
    public string? Note { get; init; }

    /// <summary>
    /// The friendliest name, for file names and reports: the first alias (relu1_1) that can be part of a
    /// file name (an imported ONNX node also answers to names like /layer1/layer1.0/relu/Relu), else the address.
    /// </summary>
    public string Name => Aliases.FirstOrDefault(a => a.IndexOfAny(['/', '\\', ':']) < 0) ?? Address;
}

/// <summary>
/// A network on one device: nodes in topological order, each reading one or more earlier values
/// (a chain such as VGG reads the node before it). BatchNorms that follow a convolution are folded
/// into it when the network is built.
/// </summary>
public sealed class Network : IDisposable
{
    /// <summary>The name of the network's input value in architectures' node lists.</summary>
    public const string InputName = "input";

    /// <summary>The index that stands for the network input in <see cref="NetworkLayer.Inputs"/>.</summary>
    public const int InputIndex = -1;

    private readonly IReadOnlyDictionary<string, string> _folded;

    /// <summary>At most this many names in an unknown-layer message.</summary>
    private const int ListedNames = 60;

    private Network(Device device, ModelInfo info, IReadOnlyList<NetworkLayer> layers, IReadOnlyDictionary<string, string> folded)
    {
        Device = device;
        Info = info;
        Layers = layers;
        _folded = folded;
    }

    public Device Device { get; }
    public ModelInfo Info { get; }
    public IReadOnlyList<NetworkLayer> Layers { get; }

    public static Network Load(Device device, string path) => Build(device, WeightsFile.Read(path));

    /// <summary>Assembles the architecture the file names, checking every tensor's shape on the way.</summary>
    public static Network Build(Device device, WeightsFile weights)
    {
        var info = weights.Info;
        if (weights.Problem() is { } problem) throw new WeightsException($"{FileText.Escape(info.Arch)}: {problem}");
        var specs = Architectures.Nodes(info.Arch, weights.Tensors.ToDictionary(t => t.Name, t => t.Shape), info.Graph);
        CheckOrder(info.Arch, specs);
        var plan = BatchNormFolding.Plan(specs);
        var layers = new List<NetworkLayer>();
        try
        {
            var indices = new Dictionary<string, int> { [InputName] = InputIndex };
            var shapes = new Dictionary<int, int[]> { [InputIndex] = [info.InputChannels, info.DefaultSize, info.DefaultSize] };
            foreach (var node in plan.Nodes)
            {
                var inputs = node.Spec.Inputs!.Select(a => indices[a]).ToList();
                var itemShapes = inputs.Select(i => shapes[i]).ToList();
                var layer = node.Build(device, weights, itemShapes);
                var index = layers.Count;
                layers.Add(new NetworkLayer(index, node.Spec.Address, node.Spec.Aliases, layer, inputs) { Note = node.Note });
                shapes[index] = layer.OutputShape([.. itemShapes.Select(s => (int[])[1, .. s])])[1..];
                indices[node.Spec.Address] = index;
            }
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
        return new Network(device, info, layers, plan.FoldedInto);
    }

    /// <summary>
    /// Every node's settings are in range (<see cref="LayerSpec.Validate"/>), it reads only the input or
    /// earlier nodes, and no address repeats: a bad value, a cycle, a dangling input or nodes out of order
    /// is refused here, before anything is built.
    /// </summary>
    private static void CheckOrder(string arch, IReadOnlyList<LayerSpec> specs)
    {
        var written = new HashSet<string> { InputName };
        foreach (var spec in specs)
        {
            spec.Validate(arch);
            if (spec.Inputs is not { Count: > 0 })
                throw new WeightsException($"{arch}: node '{spec.Address}' reads nothing");
            if (spec.Inputs.FirstOrDefault(a => !written.Contains(a)) is { } missing)
                throw new WeightsException(
                    $"{arch}: node '{spec.Address}' reads '{missing}', which is neither the input nor an earlier node (a cycle, a dangling input or nodes out of order)");
            if (!written.Add(spec.Address))
                throw new WeightsException($"{arch}: two nodes have the address '{spec.Address}'");
        }
    }

    /// <summary>
    /// A layer by torchvision address (features.10, layer3.2.bn2), alias (conv4_3, block4_conv3, fc6,
    /// logits, case-insensitive) or index into the node list, written <c>#7</c>; otherwise an error
    /// listing the valid names. Names come first: an imported node may be named "7", and then "7" is
    /// that node, while a bare number that names no node is still read as an index.
    /// </summary>
    public NetworkLayer Resolve(string name)
    {
        var text = name.Trim();
        var match = Layers.FirstOrDefault(l => l.Address.Equals(text, StringComparison.OrdinalIgnoreCase)
            || l.Aliases.Any(a => a.Equals(text, StringComparison.OrdinalIgnoreCase)));
        if (match is not null) return match;
        var folded = _folded.FirstOrDefault(p => p.Key.Equals(text, StringComparison.OrdinalIgnoreCase));
        if (folded.Key is not null)
            throw new LayerNotFoundException(
                $"layer '{folded.Key}' is a convolution whose BatchNorm was folded into it when the network was loaded; " +
                $"its normalized output is layer '{folded.Value}'");
        if (int.TryParse(text.StartsWith('#') ? text[1..] : text, out var index))
        {
            if (index >= 0 && index < Layers.Count) return Layers[index];
            throw new LayerNotFoundException($"layer index {index} is out of range: this {Info.Arch} has layers #0 to #{Layers.Count - 1}");
        }
        // A graph has hundreds of nodes: name its blocks (nodes with aliases) rather than flood the line.
        var listed = Layers.Count <= ListedNames ? Layers : [.. Layers.Where(l => l.Aliases.Count > 0).Take(ListedNames)];
        var more = Layers.Count - listed.Count;
        throw new LayerNotFoundException(
            $"unknown layer '{name}' in {Info.Arch}; valid: {string.Join(", ", listed.Select(Describe))}" +
            (more > 0 ? $" and {more} more ('deepvis layers' lists them all)" : "") + $", or an index 0-{Layers.Count - 1}");
    }

    /// <summary>
    /// The output shape of every node for an input of N x C x height x width; with
    /// <paramref name="targets"/>, only of the nodes they depend on (the others are empty): a network
    /// whose deeper layers need a particular size (a final 7x7 pool) still runs up to earlier ones.
    /// </summary>
    public IReadOnlyList<int[]> OutputShapes(int n, int height, int width, IEnumerable<NetworkLayer>? targets = null)
    {
        var needed = targets is null ? null : Ancestors(targets.Select(t => t.Index));
        var input = new[] { n, Info.InputChannels, height, width };
        if (Tensor.Problem(input) is { } problem) throw new ShapeException($"input: {problem}");
        var shapes = new int[Layers.Count][];
        foreach (var layer in Layers)
        {
            if (needed is not null && !needed[layer.Index])
            {
                shapes[layer.Index] = [];
                continue;
            }
            shapes[layer.Index] = layer.Layer.OutputShape([.. layer.Inputs.Select(i => i == InputIndex ? input : shapes[i])]);
            // Every output becomes a tensor of the workspace: one too large for a tensor is refused here, before anything is allocated.
            if (Tensor.Problem(shapes[layer.Index]) is { } tooLarge) throw new ShapeException($"{layer.Address}: {tooLarge}");
        }
        return shapes;
    }

    /// <summary>Whether every node up to the targets accepts an input of height x width.</summary>
    public bool Fits(int height, int width, IReadOnlyCollection<NetworkLayer> targets)
    {
        try
        {
            OutputShapes(1, height, width, targets);
            return true;
        }
        catch (ShapeException)
        {
            return false;
        }
    }

    /// <summary>The square input sizes up to <paramref name="limit"/> that every node up to the targets accepts, described briefly.</summary>
    public string SizesThatFit(IReadOnlyCollection<NetworkLayer> targets, int limit = 1024)
    {
        var fits = Enumerable.Range(1, limit).Where(size => Fits(size, size, targets)).ToList();
        if (fits.Count == 0) return $"none up to {limit}x{limit}";
        var step = fits.Count > 1 ? fits[1] - fits[0] : 0;
        var regular = fits.Count > 2 && fits.Zip(fits.Skip(1), (a, b) => b - a).All(d => d == step);
        if (regular && fits[^1] + step > limit)
            return step == 1 ? $"{fits[0]}x{fits[0]} and larger" : $"multiples of {step} from {fits[0]} ({string.Join(", ", fits.Take(4))}, ...)";
        return string.Join(", ", fits.Take(8)) + (fits.Count > 8 ? ", ..." : "");
    }

    /// <summary>
    /// Why channels cannot be read on axis 1 of <paramref name="layer"/>'s output, or null: a permute moved
    /// them to the last axis (ConvNeXt's NHWC block) and every node since kept the rank without reshaping.
    /// <paramref name="shapes"/> are <see cref="OutputShapes"/> of at least the layer's ancestors.
    /// </summary>
    public string? ChannelsLastProblem(NetworkLayer layer, IReadOnlyList<int[]> shapes)
    {
        var axes = new int[layer.Index + 1];
        foreach (var node in Layers.Take(layer.Index + 1).Where(n => shapes[n.Index].Length > 0))
        {
            var (axis, rank) = node.Inputs.Count == 0 || node.Inputs[0] == InputIndex ? (1, 4) : (axes[node.Inputs[0]], shapes[node.Inputs[0]].Length);
            axes[node.Index] = node.Layer switch
            {
                TransposeLayer { Groups: 0 } t => t.Perm.ToList().IndexOf(axis),
                ReshapeLayer => 1,
                _ => shapes[node.Index].Length == rank ? axis : 1,
            };
        }
        var shape = shapes[layer.Index];
        if (axes[layer.Index] == 1 || axes[layer.Index] != shape.Length - 1) return null;
        var back = Layers.Skip(layer.Index + 1).FirstOrDefault(n => n.Layer is TransposeLayer { Groups: 0 });
        var name = layer.Name == layer.Address ? layer.Address : $"{layer.Name} ({layer.Address})";
        return $"{name} holds its channels on the last axis of {Tensor.Format(shape)}, after a permute, and channels are read on axis 1" +
            (back is null ? "" : $": take a layer after the permute back, such as {back.Name}");
    }

    /// <summary>The nodes <paramref name="targets"/> depend on, themselves included, as a mask over <see cref="Layers"/>.</summary>
    public bool[] Ancestors(IEnumerable<int> targets)
    {
        var needed = new bool[Layers.Count];
        var stack = new Stack<int>(targets);
        while (stack.TryPop(out var i))
        {
            if (i == InputIndex || needed[i]) continue;
            needed[i] = true;
            foreach (var input in Layers[i].Inputs) stack.Push(input);
        }
        return needed;
    }

    public void Dispose()
    {
        foreach (var layer in Layers) layer.Layer.Dispose();
    }

    private static string Describe(NetworkLayer l) => l.Aliases.Count == 0 ? l.Address : $"{l.Address} ({string.Join("/", l.Aliases)})";
}

/// <summary>A layer name that matches nothing; the message lists the valid names.</summary>
public sealed class LayerNotFoundException(string message) : DeepVisException(message);
