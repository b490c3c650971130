using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using DeepVis.Nets.Zoo;
using DeepVis.WeightsConverter;
using DeepVis.WeightsConverter.Conversion;
using DeepVis.Nets.Weights;

namespace DeepVis.Cli.Commands;

/// <summary><c>deepvis convert</c>: published weight files to DeepVis HDF5.</summary>
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
        var mean = new Option<float[]?>("--mean")
        {
            Description = "per-channel input mean, comma-separated (default: the source framework's ImageNet values; 0.5 for googlenet and inception_v3, whose torchvision files expect transform_input; 0 for ONNX)",
            CustomParser = r => Floats(r, "--mean", positive: false),
        };
        var std = new Option<float[]?>("--std")
        {
            Description = "per-channel input std, comma-separated (default for ONNX: 1)",
            CustomParser = r => Floats(r, "--std", positive: true),
        };
        var scale = new Option<string?>("--scale") { Description = "the pixel range the model expects before normalization: 1 (0..1) or 255 (0..255); default 1 for ONNX" };
        scale.AcceptOnlyFromAmong("1", "255");
        var bgr = new Option<bool>("--bgr") { Description = "the model expects BGR channel order (Caffe-style models); --mean and --std are then in BGR order" };
        var size = new Option<int?>("--size")
        {
            Description = $"the input size the model was trained at, 1 to {MaxSize} (default: 224; 299 for inception_v3, 28 for mini-vgg)",
            CustomParser = r => int.TryParse(r.Tokens[0].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v is >= 1 and <= MaxSize ? v
                : Refuse<int?>(r, $"--size must be a whole number from 1 to {MaxSize}, got '{r.Tokens[0].Value}'"),
        };
        var force = new Option<bool>("--force") { Description = "replace INPUT.deepvis.h5, the output convert names when --out is not given, if it exists; a file named with --out is always replaced" };
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
                result.GetResult(mean) is null ? null : result.GetValue(mean),
                result.GetResult(std) is null ? null : result.GetValue(std),
                result.GetValue(size),
                result.GetValue(scale) is { } range ? float.Parse(range, CultureInfo.InvariantCulture) : null,
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

    /// <summary>The largest --size: far beyond the input of any published image model.</summary>
    private const int MaxSize = 4096;

    /// <summary>Comma-separated finite numbers (each positive when <paramref name="positive"/>); a parse error otherwise.</summary>
    private static float[]? Floats(ArgumentResult result, string option, bool positive)
    {
        var text = result.Tokens[0].Value;
        var parts = text.Split(',', StringSplitOptions.TrimEntries);
        var values = new float[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out values[i]) || !float.IsFinite(values[i]))
                return Refuse<float[]?>(result, $"{option} '{text}': expected comma-separated numbers, for example 0.485,0.456,0.406");
        return positive && values.Any(v => v <= 0) ? Refuse<float[]?>(result, $"{option} '{text}': every value must be positive") : values;
    }

    private static T Refuse<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default!;
    }
}
