using System.CommandLine;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
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

    /// <summary>
    /// Checks before any computation that <paramref name="path"/> can be written and is none of the
    /// inputs, so a run never ends in a lost result or an overwritten input.
    /// </summary>
    public static string WritableOutput(string path, params string?[] inputs)
    {
        var full = Path.GetFullPath(path);
        if (inputs.Any(i => i is not null && Path.GetFullPath(i) == full))
            throw new UserException($"output '{path}' is also an input: choose another path, inputs are never overwritten");
        if (Directory.Exists(full)) throw new UserException($"output '{path}' is a folder: give the path of a file to write");
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new UserException($"output folder '{folder}' does not exist");
        var probe = Path.Combine(folder, $".deepvis-write-test-{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"output folder '{folder}' is not writable");
        }
        return path;
    }
}
