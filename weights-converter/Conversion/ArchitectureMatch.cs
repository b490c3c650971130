using System.Text.RegularExpressions;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.WeightsConverter.Conversion;

/// <summary>
/// Which architecture a torchvision state dict belongs to, and the dict as our files hold it:
/// DenseNet's old key names renamed as torchvision renames them when loading, and the auxiliary
/// classifiers of GoogLeNet and Inception v3 (training only) left out.
/// </summary>
internal static partial class ArchitectureMatch
{
    /// <summary>A tensor whose presence names a graph family (checked in order).</summary>
    private static readonly (string Key, string Family)[] Signatures =
    [
        ("layer1.0.conv1.weight", "resnet"),
        ("features.denseblock1.denselayer1.conv1.weight", "densenet"),
        ("inception3a.branch1.conv.weight", "googlenet"),
        ("Mixed_5b.branch1x1.conv.weight", "inception_v3"),
        ("features.1.conv.0.0.weight", "mobilenet_v2"),
        ("features.3.squeeze.weight", "squeezenet"),
    ];

    /// <summary>The prefixes of training-only tensors that downloaded GoogLeNet and Inception v3 files carry.</summary>
    private static readonly string[] Auxiliary = ["aux1.", "aux2.", "AuxLogits."];

    /// <summary>Renames old DenseNet keys and drops auxiliary classifiers; other tensors pass unchanged.</summary>
    public static List<WeightTensor> Normalize(IEnumerable<WeightTensor> tensors) =>
    [
        .. tensors.Where(t => !Auxiliary.Any(a => t.Name.StartsWith(a, StringComparison.Ordinal)))
            .Select(t => OldDenseNetKey().Match(t.Name) is { Success: true } m ? t with { Name = m.Groups[1].Value + m.Groups[2].Value } : t),
    ];

    /// <summary>
    /// The architecture of <paramref name="tensors"/>: a chain whose tensor names are exactly these
    /// (with or without its classifier), or a graph family recognized by its tensor names, with
    /// depth from the tensors (resnet50, densenet121; "resnet" for a depth torchvision does not
    /// publish); or the one the user named, checked the same way.
    /// </summary>
    public static string Infer(IReadOnlyList<WeightTensor> tensors, string? requested, string source)
    {
        if (requested is not null && !Architectures.Names.Contains(requested))
            throw new WeightsFormatException($"{source}: unknown architecture '{requested}'; known: {string.Join(", ", Architectures.Names)}");
        var shapes = tensors.ToDictionary(t => t.Name, t => t.Shape);
        var inferred = Chain(shapes) ?? Graph(shapes);
        var sample = string.Join(", ", tensors.Take(4).Select(t => t.Name));
        if (inferred is null)
            throw new WeightsFormatException(requested is null
                ? $"{source}: cannot infer the architecture: its {tensors.Count} tensors ({sample}, ...) match none of {string.Join(", ", Architectures.Names)}"
                : $"{source}: its {tensors.Count} tensors ({sample}, ...) are not the layout of {requested}");
        if (requested is not null && requested != inferred)
            throw new WeightsFormatException($"{source}: its {tensors.Count} tensors ({sample}, ...) are not the layout of {requested} but of {inferred}");
        return inferred;
    }

    private static string? Chain(IReadOnlyDictionary<string, int[]> shapes)
    {
        var names = shapes.Keys.ToHashSet();
        foreach (var arch in Architectures.Chains)
        {
            var layout = Architectures.Find(arch)!;
            var features = layout.Features.SelectMany(s => s.TensorNames).ToHashSet();
            var all = features.Concat(layout.Classifier.SelectMany(s => s.TensorNames)).ToHashSet();
            if (names.SetEquals(all) || names.SetEquals(features)) return arch;
        }
        return null;
    }

    private static string? Graph(IReadOnlyDictionary<string, int[]> shapes)
    {
        var family = Signatures.FirstOrDefault(s => shapes.ContainsKey(s.Key)).Family;
        return family switch
        {
            "resnet" => ResNet.NameFor(ResNet.Blocks(shapes), ResNet.Bottleneck(shapes)),
            "densenet" => DenseNet.NameFor(DenseNet.Layers(shapes)),
            "squeezenet" => shapes.TryGetValue("features.0.weight", out var stem) && stem.Length == 4 && stem[2] == 7 ? "squeezenet1_0" : "squeezenet1_1",
            _ => family,
        };
    }

    [GeneratedRegex(@"^(.*denselayer\d+\.(?:norm|relu|conv))\.([12]\.(?:weight|bias|running_mean|running_var))$")]
    private static partial Regex OldDenseNetKey();
}
