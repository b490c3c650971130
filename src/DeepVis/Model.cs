using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.WeightsConverter.Conversion;
using DeepVis.WeightsConverter.Models;

namespace DeepVis;

/// <summary>
/// A network opened on a device, ready to visualize: loaded from a file of any format DeepVis reads,
/// a fetched model's name, or the embedded Fashion-MNIST mini-vgg. Owns its device and network and
/// releases both when disposed.
/// </summary>
public sealed class Model : IDisposable
{
    private IReadOnlyList<LayerInfo>? _layers;

    private Model(Device device, Network network, string name) => (Device, Network, Name) = (device, network, name);

    /// <summary>The device the network runs on.</summary>
    public Device Device { get; }

    /// <summary>The network, for what the visualizations here do not cover (workspaces, objectives, probes).</summary>
    public Network Network { get; }

    /// <summary>What the model was loaded from: a path, a model name, or the embedded file's name.</summary>
    public string Name { get; }

    /// <summary>The model's input: channels, normalization, default size, class names.</summary>
    public ModelInfo Info => Network.Info;

    /// <summary>Every node with its output shape at the model's default input size.</summary>
    public IReadOnlyList<LayerInfo> Layers => _layers ??= LayerInfo.Of(Network, Info.DefaultSize);

    /// <summary>The names <see cref="Load"/> and <see cref="Get"/> take besides paths.</summary>
    public static IReadOnlyList<string> KnownNames => [.. KnownModels.All.Select(m => m.Name)];

    /// <summary>
    /// Opens the model <paramref name="nameOrPath"/> names on <paramref name="device"/> (auto, cuda,
    /// opencl, cpu, cpu-sim, optionally :N; null: <c>DEEPVIS_DEVICE</c> or auto): a DeepVis HDF5 file,
    /// a Keras applications .h5, an ONNX model, a torchvision state-dict .pth/.pt (the foreign ones
    /// converted in memory), or the name of a model fetched by <see cref="Get"/> (<see cref="KnownNames"/>).
    /// What an import assumes (an ONNX model's normalization) is said on <paramref name="notes"/>.
    /// </summary>
    public static Model Load(string nameOrPath, string? device = null, TextWriter? notes = null) =>
        Open(device, opened => OpenNetwork(opened, nameOrPath, notes), nameOrPath);

    /// <summary>The embedded Fashion-MNIST mini-vgg (28x28 grey, ten classes) on <paramref name="device"/>.</summary>
    public static Model Default(string? device = null) => Open(device, DefaultModel.Load, DefaultModel.ResourceName);

    /// <summary>
    /// Fetches the known model <paramref name="name"/> through NuGet and converts it into the model folder
    /// (<c>DEEPVIS_MODELS</c>, default ~/.deepvis/models) unless it is there already or <paramref name="force"/>,
    /// as <c>deepvis models get</c> does, then opens it; each stage is reported to <paramref name="progress"/>.
    /// </summary>
    public static Model Get(string name, string? device = null, bool force = false, Action<string>? progress = null)
    {
        var model = KnownModels.Find(name) ?? throw new ModelFetchException(
            $"unknown model '{name}'; known: {string.Join(", ", KnownNames)}");
        var path = ModelStore.Default.Get(model, force, progress ?? (_ => { }));
        return Open(device, opened => Network.Load(opened, path), model.Name);
    }

    /// <summary>
    /// The network <paramref name="nameOrPath"/> names, built on an open device (null: the embedded
    /// model); the formats and names are <see cref="Load"/>'s.
    /// </summary>
    public static Network OpenNetwork(Device device, string? nameOrPath, TextWriter? notes = null) =>
        nameOrPath is null ? DefaultModel.Load(device) : Network.Build(device, ReadWeights(nameOrPath, notes));

    /// <summary>The weights and description of what <paramref name="nameOrPath"/> names, imported in memory when foreign.</summary>
    public static WeightsFile ReadWeights(string nameOrPath, TextWriter? notes = null)
    {
        var path = WeightsPath(nameOrPath);
        return IsForeign(path) ? ModelConverter.Convert(path, new ConvertOptions(), notes) : WeightsFile.Read(path);
    }

    /// <summary>The file <paramref name="nameOrPath"/> names: its own path, else a fetched model's file.</summary>
    public static string WeightsPath(string nameOrPath) =>
        File.Exists(nameOrPath) ? nameOrPath : ModelStore.Default.Resolve(nameOrPath) ?? throw new WeightsException(
            $"weights file '{nameOrPath}' does not exist, nor is it a model name ({string.Join(", ", KnownNames)})");

    /// <summary>Releases the network's and the device's memory.</summary>
    public void Dispose()
    {
        Network.Dispose();
        Device.Dispose();
    }

    private static Model Open(string? device, Func<Device, Network> load, string name)
    {
        var opened = Device.Open(device);
        try
        {
            return new Model(opened, load(opened), name);
        }
        catch
        {
            opened.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Whether the converter reads the file: an ONNX model, a PyTorch file, or an HDF5 file without
    /// DeepVis's format attribute (Keras). Anything else goes to DeepVis's reader, whose error names
    /// what it expected.
    /// </summary>
    private static bool IsForeign(string path)
    {
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension is ".onnx" or ".pth" or ".pt") return true;
        try
        {
            using var stream = File.OpenRead(path);
            using var guard = Hdf5Guard.Open(stream);
            return !(guard.File.AttributeExists("format") && guard.Attribute<string>(guard.File, "format") == WeightsFile.Format);
        }
        catch (Exception)
        {
            // Not even its format attribute reads (a corrupt claim can exhaust memory): DeepVis's reader says what is wrong.
            return false;
        }
    }
}
