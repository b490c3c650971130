using System.CommandLine;
using System.Globalization;
using DeepVis.Nets.Zoo;
using DeepVis.WeightsConverter.Conversion;

namespace DeepVis.WeightsConverter;

/// <summary>The convert verb, shared by the deepvis-convert tool and <c>deepvis convert</c>.</summary>
public static class ConvertCommand
{
    public const string Description = "Convert torchvision .pth, Keras .h5 or ONNX models to DeepVis HDF5.";

    public static Command Create(TextWriter output) => Configure(new Command("convert", Description), output);

    /// <summary>Adds the convert arguments, options and action to <paramref name="command"/> (a verb or a root command).</summary>
    public static Command Configure(Command command, TextWriter output)
    {
        var input = new Argument<string>("input") { Description = "a torchvision state-dict .pth (zip or legacy), a Keras applications VGG .h5 or an ONNX model .onnx" };
        var outPath = new Option<string?>("--out") { Description = "the DeepVis HDF5 weights to write (default: INPUT without its extension + .deepvis.h5)" };
        var arch = new Option<string?>("--arch") { Description = $"one of {string.Join(", ", Architectures.Names)} (default: inferred from the tensors; resnet and densenet are depths torchvision does not publish)" };
        var classes = new Option<string?>("--classes") { Description = "a text file of class names, one per line in index order (default: ImageNet's for 1000 classes)" };
        var mean = new Option<string?>("--mean") { Description = "per-channel input mean, comma-separated (default: the source framework's ImageNet values; 0.5 for googlenet and inception_v3, whose torchvision files expect transform_input; 0 for ONNX)" };
        var std = new Option<string?>("--std") { Description = "per-channel input std, comma-separated (default for ONNX: 1)" };
        var scale = new Option<float?>("--scale") { Description = "the pixel range the model expects before normalization: 1 (0..1) or 255 (0..255); default 1 for ONNX" };
        var bgr = new Option<bool>("--bgr") { Description = "the model expects BGR channel order (Caffe-style models); --mean and --std are then in BGR order" };
        var size = new Option<int?>("--size") { Description = "the input size the model was trained at (default: 224; 299 for inception_v3, 28 for mini-vgg)" };
        var force = new Option<bool>("--force") { Description = "replace the default output (INPUT.deepvis.h5) when it exists; a file named with --out is always replaced" };
        command.Arguments.Add(input);
        foreach (var option in new Option[] { outPath, arch, classes, mean, std, size, scale, bgr, force }) command.Options.Add(option);
        command.SetAction(result =>
        {
            var source = result.GetValue(input)!;
            var named = result.GetValue(outPath);
            var target = named ?? Path.ChangeExtension(source, null) + ".deepvis.h5";
            var options = new ConvertOptions(
                result.GetValue(arch),
                result.GetValue(classes) is { } classFile ? ReadClasses(classFile) : null,
                Floats(result.GetValue(mean), "--mean"),
                Floats(result.GetValue(std), "--std"),
                result.GetValue(size) is { } s && s < 1 ? throw new WeightsFormatException($"--size must be positive, got {s}") : result.GetValue(size),
                result.GetValue(scale) is { } range && range is not (1 or 255) ? throw new WeightsFormatException($"--scale must be 1 or 255, got {range}") : result.GetValue(scale),
                result.GetValue(bgr));
            var file = ModelConverter.ConvertFile(source, target, options, output, mayReplace: named is not null || result.GetValue(force));
            var info = file.Info;
            output.WriteLine($"{source} -> {target}: {info.Arch}, {file.Tensors.Count} tensors, " +
                $"{file.Tensors.Sum(t => (long)t.Data.Length):N0} parameters, {info.ClassCount} classes, input {info.InputChannels}x{info.DefaultSize}x{info.DefaultSize} {info.ColorOrder}");
            return 0;
        });
        return command;
    }

    private static IReadOnlyList<string> ReadClasses(string path) =>
        File.Exists(path)
            ? File.ReadAllLines(path).Select(l => l.Trim()).Where(l => l.Length > 0).ToList()
            : throw new WeightsFormatException($"{path}: class names file does not exist");

    private static float[]? Floats(string? text, string option)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                throw new WeightsFormatException($"{option} '{text}': expected comma-separated numbers, for example 0.485,0.456,0.406");
        if (option == "--std" && values.Any(v => v <= 0)) throw new WeightsFormatException($"--std '{text}': every value must be positive");
        return values;
    }
}
