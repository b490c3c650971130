using System.Reflection;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Files;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.WeightsConverter.Models;
using DeepVis.Nets.Onnx;

namespace DeepVis.WeightsConverter.Conversion;

/// <summary>
/// Turns a torchvision state-dict .pth, a Keras applications .h5 or an ONNX model into the project's
/// HDF5 weights, checked by assembling the network before anything is written.
/// </summary>
public static class ModelConverter
{
    private static readonly byte[] Hdf5Signature = [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0d, 0x0a, 0x1a, 0x0a];

    /// <summary>
    /// Converts <paramref name="input"/> and writes <paramref name="output"/> (<see cref="OutputFile"/>: never onto the input,
    /// through a temporary file and a rename); on any failure no output file is left. An existing
    /// output is replaced only when <paramref name="mayReplace"/> (the user named it, or forced).
    /// </summary>
    public static WeightsFile ConvertFile(string input, string output, ConvertOptions options, TextWriter? notes = null, bool mayReplace = true)
    {
        OutputFile.Check(output, [input], mayReplace: mayReplace);
        var file = Convert(input, options, notes);
        using (var device = Device.Open("cpu"))
        using (Network.Build(device, file)) { }
        file.Write(output);
        return file;
    }

    /// <param name="notes">Where to say what was assumed (an ONNX model's normalization when none is given).</param>
    public static WeightsFile Convert(string input, ConvertOptions options, TextWriter? notes = null)
    {
        if (!File.Exists(input)) throw new WeightsFormatException($"{input}: no such file");
        if (IsOnnx(input)) return FromOnnx(input, options, notes);
        var (arch, tensors, keras) = IsHdf5(input) ? FromKeras(input, options) : FromTorch(input, options);
        var channels = tensors.First(t => t.Shape.Length == 4).Shape[1];
        var classCount = ClassCount(arch, tensors);
        var classes = Classes(options.Classes, classCount, input);
        var info = keras ? ModelInfo.KerasCaffe(arch, classCount, classes)
            : channels == 3 ? ModelInfo.TorchvisionImageNet(arch, classCount, classes)
            : new ModelInfo(arch, channels, Enumerable.Repeat(0f, channels).ToArray(), Enumerable.Repeat(1f, channels).ToArray(), 224, classCount, Classes: classes);
        info = Architectures.FamilyOf(arch)!.Input(info);
        info = info with
        {
            Mean = Checked(options.Mean, channels, "--mean", input) ?? info.Mean,
            Std = Checked(options.Std, channels, "--std", input) ?? info.Std,
            DefaultSize = options.Size ?? info.DefaultSize,
        };
        return new WeightsFile(Preprocessing(info, options), tensors);
    }

    /// <summary>
    /// An ONNX model carries its graph but not its input's normalization: a known model's file
    /// (<see cref="KnownModels"/>) gets its own, any other the options' (or 0, 1, range 1, RGB).
    /// </summary>
    private static WeightsFile FromOnnx(string input, ConvertOptions options, TextWriter? notes)
    {
        if (options.Arch is not null)
            throw new WeightsFormatException($"{input}: --arch does not apply to an ONNX model, which carries its own graph");
        var file = OnnxImporter.Import(input);
        var known = KnownModels.Recognize(input);
        if (known is not null) file = known.Apply(file);
        var info = file.Info;
        var channels = info.InputChannels;
        if (known is null && options.Mean is null && options.Std is null && options.Scale is null && !options.Bgr)
            notes?.WriteLine($"{input}: an ONNX file does not say how its input is normalized; assuming mean 0, std 1, pixels 0..1, RGB " +
                "(give --mean, --std, --scale and --bgr to convert to say otherwise)");
        info = info with
        {
            Mean = Checked(options.Mean, channels, "--mean", input) ?? info.Mean,
            Std = Checked(options.Std, channels, "--std", input) ?? info.Std,
            DefaultSize = options.Size ?? info.DefaultSize,
            Classes = Classes(options.Classes, info.ClassCount, input),
        };
        return new WeightsFile(Preprocessing(info, options), file.Tensors);
    }

    private static ModelInfo Preprocessing(ModelInfo info, ConvertOptions options) => info with
    {
        InputRange = options.Scale ?? info.InputRange,
        ColorOrder = options.Bgr ? "BGR" : info.ColorOrder,
    };

    private static bool IsOnnx(string path) => Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase);

    private static (string, List<WeightTensor>, bool) FromTorch(string input, ConvertOptions options)
    {
        var (arch, tensors) = ArchitectureMatch.Infer(TorchStateDict.Read(input), options.Arch, input);
        return (arch, tensors, false);
    }

    private static (string, List<WeightTensor>, bool) FromKeras(string input, ConvertOptions options)
    {
        var (arch, tensors) = KerasLayout.ToTorchvision(KerasWeights.Read(input), options.Arch, input);
        return (arch, tensors, true);
    }

    /// <summary>The number of class scores: the output width of the last weighted layer of the classifier (0 without one).</summary>
    private static int ClassCount(string arch, List<WeightTensor> tensors)
    {
        var shapes = tensors.ToDictionary(t => t.Name, t => t.Shape);
        var head = Architectures.Find(arch, shapes)!.Classifier.LastOrDefault(s => s.TensorNames.Any());
        return head is not null && shapes.TryGetValue($"{head.Address}.weight", out var shape) ? shape[0] : 0;
    }

    private static bool IsHdf5(string path)
    {
        using var stream = File.OpenRead(path);
        var head = new byte[Hdf5Signature.Length];
        return stream.Read(head) == head.Length && head.AsSpan().SequenceEqual(Hdf5Signature);
    }

    /// <summary>Given names must number the classes; a 1000-class model without names gets ImageNet's.</summary>
    private static IReadOnlyList<string>? Classes(IReadOnlyList<string>? given, int classCount, string input)
    {
        if (given is not null)
        {
            if (given.Count != classCount)
                throw new WeightsFormatException($"{input}: the model has {classCount} classes but {given.Count} class names were given");
            return given;
        }
        return classCount == 1000 ? ImageNetClasses() : null;
    }

    private static float[]? Checked(float[]? values, int channels, string option, string input)
    {
        if (values is null) return null;
        if (values.Length != channels)
            throw new WeightsFormatException($"{input}: {option} has {values.Length} values, the model takes {channels} channels");
        return values;
    }

    public static IReadOnlyList<string> ImageNetClasses()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("imagenet-classes.txt")!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList();
    }
}
