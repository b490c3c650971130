using System.Reflection;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;

namespace DeepVis;

/// <summary>
/// The model embedded in the library and used when no --weights is given: models/mini-vgg-fashion.h5,
/// a mini-vgg trained on Fashion-MNIST (see models/README.md), so every verb works on a fresh clone.
/// </summary>
public static class DefaultModel
{
    /// <summary>The embedded resource's name, which also names the model in outputs.</summary>
    public const string ResourceName = "mini-vgg-fashion.h5";

    /// <summary>The embedded model's weights and description.</summary>
    public static WeightsFile Read()
    {
        using var stream = Open();
        return WeightsFile.Read(stream, $"embedded {ResourceName}");
    }

    /// <summary>The embedded file's bytes.</summary>
    public static Stream Open() =>
        Assembly.GetExecutingAssembly().GetManifestResourceStream(ResourceName)
            ?? throw new WeightsException($"this build has no embedded default model ({ResourceName}); pass --weights FILE");

    /// <summary>The embedded model's network on <paramref name="device"/>.</summary>
    public static Network Load(Device device) => Network.Build(device, Read());
}
