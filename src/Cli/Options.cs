using System.CommandLine;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Files;
using DeepVis.WeightsConverter.Conversion;
using DeepVis.WeightsConverter.Models;

namespace DeepVis.Cli;

/// <summary>Options several verbs share, and the checks on what they name.</summary>
public static class Options
{
    public static Option<string> Weights() => new("--weights")
    {
        Description = "the network's weights: DeepVis HDF5 (make one with 'deepvis convert'), an ONNX model, or a model name from 'deepvis models list'",
        Required = true,
    };

    /// <summary>--weights where the embedded model is the default.</summary>
    public static Option<string?> OptionalWeights() => new("--weights")
    {
        Description = "DeepVis HDF5 weights, an ONNX model, or a model name from 'deepvis models list' (default: the embedded Fashion-MNIST mini-vgg)",
    };

    /// <summary>
    /// The network <paramref name="weights"/> names: a DeepVis HDF5 file, an ONNX model converted in
    /// memory (what it assumes about normalization is said on <paramref name="notes"/>), or a model
    /// fetched by 'deepvis models get'.
    /// </summary>
    public static Network LoadNetwork(Device device, string weights, TextWriter notes)
    {
        var path = WeightsPath(weights);
        return Path.GetExtension(path).Equals(".onnx", StringComparison.OrdinalIgnoreCase)
            ? Network.Build(device, ModelConverter.Convert(path, new ConvertOptions(), notes))
            : Network.Load(device, path);
    }

    /// <summary>The network <paramref name="weights"/> names, or the embedded Fashion-MNIST mini-vgg when it names none.</summary>
    public static Network OpenNetwork(Device device, string? weights, TextWriter notes) =>
        weights is null ? DefaultModel.Load(device) : LoadNetwork(device, weights, notes);

    /// <summary>The file <paramref name="weights"/> names: its own path, else a fetched model's file.</summary>
    public static string WeightsPath(string weights) =>
        File.Exists(weights) ? weights : ModelStore.Default.Resolve(weights) ?? throw new UserException(
            $"weights file '{weights}' does not exist, nor is it a model name ({string.Join(", ", KnownModels.All.Select(m => m.Name))})");

    /// <summary>The path itself when the file exists, else a one-line error naming it.</summary>
    public static string ExistingFile(string path, string what) =>
        File.Exists(path) ? path : throw new UserException($"{what} '{path}' does not exist");

    /// <summary>An image size "H" (square) or "H,W" in pixels; null gives the square default.</summary>
    public static (int Height, int Width) ImageSize(string? text, int defaultSize) => ImageSize(text) ?? (defaultSize, defaultSize);

    /// <summary>An image size "H" (square) or "H,W" in pixels; null when none is given.</summary>
    public static (int Height, int Width)? ImageSize(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',');
        var sides = parts.Select(p => int.TryParse(p.Trim(), out var v) ? v : 0).ToArray();
        if (parts.Length > 2 || sides.Any(v => v < 1))
            throw new UserException($"--size must be H or H,W in whole pixels above 0, got '{text}'");
        return (sides[0], sides[^1]);
    }

    /// <summary>
    /// Checks before any computation that <paramref name="path"/> can be written and is none of the
    /// inputs (<see cref="OutputFile.Check"/>), so a run never ends in a lost result or an overwritten input.
    /// </summary>
    public static string WritableOutput(string path, params string?[] inputs) => OutputFile.Check(path, inputs);
}
