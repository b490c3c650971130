using System.CommandLine;
using DeepVis.Nets.Files;

namespace DeepVis.Cli;

/// <summary>Options several verbs share, and the checks on what they name.</summary>
public static class Options
{
    public static Option<string> Weights() => new("--weights")
    {
        Description = "the network's weights: DeepVis HDF5, an ONNX model, a torchvision .pth or Keras .h5 (converted in memory), or a model name from 'deepvis models list'",
        Required = true,
    };

    /// <summary>--weights where the embedded model is the default.</summary>
    public static Option<string?> OptionalWeights() => new("--weights")
    {
        Description = "DeepVis HDF5 weights, an ONNX model, a torchvision .pth or Keras .h5, or a model name from 'deepvis models list' (default: the embedded Fashion-MNIST mini-vgg)",
    };

    /// <summary>The path itself when the file exists, else a one-line error naming it.</summary>
    public static string ExistingFile(string path, string what) =>
        File.Exists(path) ? path : throw new UserException($"{what} '{path}' does not exist");

    /// <summary>
    /// Checks before any computation that <paramref name="path"/> can be written and is none of the
    /// inputs (<see cref="OutputFile.Check"/>), so a run never ends in a lost result or an overwritten input.
    /// </summary>
    public static string WritableOutput(string path, params string?[] inputs) => OutputFile.Check(path, inputs);
}
