using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter;
using DeepVis.WeightsConverter.Conversion;

namespace DeepVis.Tests.Converter;

/// <summary>The family registry as the converter sees it: recognition, and a state dict of no known family.</summary>
public sealed class ArchitectureMatchTests
{
    private static List<WeightTensor> Read(string fixture) => [.. TorchStateDict.Read(Fixtures.Path(fixture))];

    private static List<WeightTensor> Renamed(List<WeightTensor> tensors, string from, string to) =>
        [.. tensors.Select(t => t.Name == from ? t with { Name = to } : t)];

    private static string Refusal(IReadOnlyList<WeightTensor> tensors, string? requested = null)
    {
        var e = Assert.Throws<WeightsFormatException>(() => ArchitectureMatch.Infer(tensors, requested, "x.pth"));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void Every_architecture_name_belongs_to_one_family()
    {
        var names = Architectures.Families.SelectMany(f => f.Names).ToList();
        Assert.Equal(names.Distinct().Count(), names.Count);
        Assert.All(names, n => Assert.Contains(n, Architectures.FamilyOf(n)!.Names));
    }

    [Theory]
    [InlineData("vgg16")]
    [InlineData("vgg19")]
    [InlineData("alexnet")]
    [InlineData("mini-vgg")]
    public void A_fixed_layout_is_recognized_by_its_tensor_names_with_or_without_its_classifier(string arch)
    {
        var layout = Architectures.Find(arch)!;
        List<WeightTensor> Tensors(IEnumerable<LayerSpec> specs) => [.. ModelFamily.TensorNames(specs).Select(n => new WeightTensor(n, [1], [0f]))];
        Assert.Equal(arch, ArchitectureMatch.Infer(Tensors([.. layout.Features, .. layout.Classifier]), null, "x.pth").Arch);
        Assert.Equal(arch, ArchitectureMatch.Infer(Tensors(layout.Features), null, "x.pth").Arch);
    }

    [Fact]
    public void A_family_drops_its_training_only_tensors()
    {
        var published = Read("googlenet-narrow.pth");
        Assert.Contains(published, t => t.Name.StartsWith("aux1.", StringComparison.Ordinal));
        var (arch, tensors) = ArchitectureMatch.Infer(published, null, "x.pth");
        Assert.Equal("googlenet", arch);
        Assert.DoesNotContain(tensors, t => t.Name.StartsWith("aux", StringComparison.Ordinal));
    }

    [Fact]
    public void A_tensor_under_its_old_and_its_new_key_is_refused()
    {
        // The published file has torchvision's old keys (denselayer1.norm.1.weight); the renamed one is added.
        var published = Read("densenet121-narrow.pth");
        var old = published.Single(t => t.Name == "features.denseblock1.denselayer1.norm.1.weight");
        var message = Refusal([.. published, old with { Name = "features.denseblock1.denselayer1.norm1.weight" }]);
        Assert.Contains("two tensors are 'features.denseblock1.denselayer1.norm1.weight'", message);
    }

    [Fact]
    public void A_resnet_whose_signature_tensor_is_renamed_names_the_family_and_the_tensor()
    {
        var tensors = Renamed(Read("resnet18-narrow.pth"), "layer1.0.conv1.weight", "layer1.0.conv_1.weight");
        var message = Refusal(tensors);
        Assert.Contains("cannot infer the architecture", message);
        Assert.Contains($"nearest: resnet ({tensors.Count - 1} of its {tensors.Count} tensors)", message);
        Assert.Contains("first difference: expected 'layer1.0.conv1.weight', found 'layer1.0.conv_1.weight' [2, 2, 3, 3]", message);
    }

    [Fact]
    public void A_chain_with_one_renamed_tensor_names_the_chain_and_the_tensor()
    {
        var message = Refusal(Renamed(Read("vgg16-narrow.pth"), "features.10.bias", "features.11.bias"));
        Assert.Contains("nearest: vgg16 (31 of its 32 tensors)", message);
        Assert.Contains("expected 'features.10.bias', found 'features.11.bias' [16]", message);
    }

    [Fact]
    public void A_chain_with_one_extra_tensor_names_it()
    {
        var extra = new WeightTensor("features.1.weight", [4], new float[4]);
        var message = Refusal([.. Read("alexnet-narrow.pth"), extra]);
        Assert.Contains("nearest: alexnet (16 of its 16 tensors), first difference: 'features.1.weight' [4] has no place in it", message);
    }

    [Fact]
    public void An_efficientnet_whose_signature_tensor_is_renamed_names_the_family_and_the_tensor()
    {
        var tensors = Renamed(Read("efficientnet_b0-narrow.pth"), "features.1.0.block.0.0.weight", "features.1.0.block.0.conv.weight");
        var message = Refusal(tensors);
        Assert.Contains("cannot infer the architecture", message);
        Assert.Contains($"nearest: efficientnet_b0 ({tensors.Count - 1} of its {tensors.Count} tensors)", message);
        Assert.Contains("first difference: expected 'features.1.0.block.0.0.weight', found 'features.1.0.block.0.conv.weight' [8, 1, 3, 3]", message);
    }

    [Fact]
    public void Tensors_sharing_no_name_with_any_family_say_so()
    {
        Assert.Contains("none of them shares a tensor name with it", Refusal([.. Conv("encoder.stem", [8, 3, 3, 3], bias: true)]));
    }

    [Fact]
    public void A_named_architecture_the_tensors_are_not_names_the_first_difference_from_it()
    {
        var message = Refusal(Renamed(Read("vgg16-narrow.pth"), "classifier.6.weight", "head.weight"), "vgg16");
        Assert.Contains("are not the layout of vgg16 (31 of its 32 tensors; first difference: expected 'classifier.6.weight', found 'head.weight' [10, 32])", message);
    }

    [Theory]
    [InlineData("inception_v3-narrow.pth", 299, 0.5f)]
    [InlineData("googlenet-narrow.pth", 224, 0.5f)]
    [InlineData("resnet18-narrow.pth", 224, 0.485f)]
    public void A_family_sets_what_its_converted_files_record_about_the_input(string fixture, int size, float mean)
    {
        var info = ModelConverter.Convert(Fixtures.Path(fixture), new ConvertOptions()).Info;
        Assert.Equal((size, mean), (info.DefaultSize, info.Mean[0]));
    }

    [Fact]
    public void A_mobilenet_without_a_width_its_layout_needs_names_the_tensor()
    {
        var shapes = Read("mobilenet_v2-narrow.pth").Where(t => t.Name != "features.2.conv.2.weight").ToDictionary(t => t.Name, t => t.Shape);
        var e = Assert.Throws<WeightsException>(() => Architectures.Nodes("mobilenet_v2", shapes));
        Assert.Contains("'features.2.conv.2.weight' is missing", e.Message);
    }

    private static IEnumerable<WeightTensor> Conv(string module, int[] shape, bool bias = false)
    {
        yield return new WeightTensor($"{module}.weight", shape, new float[shape.Aggregate(1, (a, b) => a * b)]);
        if (bias) yield return new WeightTensor($"{module}.bias", [shape[0]], new float[shape[0]]);
    }
}
