using System.Reflection;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;

namespace DeepVis.Cli;

/// <summary>
/// The model embedded in the executable and used when no --weights is given: models/mini-vgg-fashion.h5,
/// a mini-vgg trained on Fashion-MNIST (see models/README.md), so every verb works on a fresh clone.
/// </summary>
public static class DefaultModel
{
    public const string ResourceName = "mini-vgg-fashion.h5";

    public static WeightsFile Read()
    {
        using var stream = Open();
        return WeightsFile.Read(stream, $"embedded {ResourceName}");
    }

    /// <summary>The embedded file's bytes.</summary>
    public static Stream Open() =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new UserException($"this build has no embedded default model ({ResourceName}); pass --weights FILE");

    public static Network Load(Device device) => Network.Build(device, Read());
}
