using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;

namespace DeepVis.Tests.Nets;

/// <summary>Graph networks' addresses, folding and bad weight files, on the narrow ResNet-18 fixture.</summary>
public sealed class GraphNetworkTests(DeviceFixture fixture)
{
    private static WeightsFile ResNet() => ModelConverter.Convert(Fixtures.Path("resnet18-narrow.pth"), new ConvertOptions());

    private Network Build(WeightsFile file) => Network.Build(fixture.Device, file);

    [Fact]
    public void A_block_answers_to_its_module_path_and_the_relu_call_that_ends_it()
    {
        using var net = Build(ResNet());
        var block = net.Resolve("layer1.0");
        Assert.Equal("layer1.0.relu_1", block.Address);
        Assert.Same(block, net.Resolve("layer1.0.relu_1"));
        Assert.Contains("call 2 of the ReLU module layer1.0.relu", block.Note);
        Assert.Equal("layer1.1.relu_1", net.Resolve("layer1").Address);
        var add = net.Resolve("layer1.0.add");
        Assert.Equal([add.Index], block.Inputs);
        Assert.Equal(2, add.Inputs.Count);
        Assert.Equal("Add", add.Layer.Type);
    }

    [Fact]
    public void A_folded_convolution_refuses_and_names_the_batch_norm_that_holds_it()
    {
        using var net = Build(ResNet());
        var e = Assert.Throws<LayerNotFoundException>(() => net.Resolve("layer2.0.conv1"));
        Assert.Contains("'layer2.0.bn1'", e.Message);
        Assert.Equal("Conv2d+BatchNorm2d", net.Resolve("layer2.0.bn1").Layer.Type);
        Assert.Equal("Conv2d+BatchNorm2d", net.Resolve("layer2.0.downsample").Layer.Type);
    }

    [Fact]
    public void An_unknown_layer_in_a_large_graph_lists_blocks_and_points_to_the_listing()
    {
        using var net = Build(ModelConverter.Convert(Fixtures.Path("googlenet-narrow.pth"), new ConvertOptions()));
        var e = Assert.Throws<LayerNotFoundException>(() => net.Resolve("inception9z"));
        Assert.Contains("'inception9z'", e.Message);
        Assert.Contains("inception3a.branch2.1 (inception3a.branch2)", e.Message);
        Assert.Matches(@"and \d+ more \('deepvis layers' lists them all\), or an index 0-\d+$", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_missing_batch_norm_statistic_is_named()
    {
        var e = Assert.Throws<WeightsException>(() => Build(ResNet().With("layer2.0.downsample.1.running_var", null)));
        Assert.Contains("'layer2.0.downsample.1.running_var' is missing (expected shape [4])", e.Message);
    }

    [Fact]
    public void A_wrong_shape_names_the_tensor_and_both_shapes()
    {
        var e = Assert.Throws<WeightsException>(() => Build(ResNet().With("layer3.0.conv1.weight", [8, 4, 5, 5])));
        Assert.Contains("'layer3.0.conv1.weight' has shape [8, 4, 5, 5], expected [out, 4 / groups, 3, 3]", e.Message);
    }

    [Fact]
    public void An_extra_tensor_is_named()
    {
        var e = Assert.Throws<WeightsException>(() => Build(ResNet().With("layer2.0.conv3.weight", [4, 4, 1, 1])));
        Assert.Contains("'layer2.0.conv3.weight' belongs to no layer", e.Message);
    }

    [Fact]
    public void Old_densenet_keys_and_auxiliary_classifiers_are_normalized_on_conversion()
    {
        var densenet = ModelConverter.Convert(Fixtures.Path("densenet121-narrow.pth"), new ConvertOptions());
        Assert.Contains(densenet.Tensors, t => t.Name == "features.denseblock1.denselayer1.norm1.weight");
        Assert.DoesNotContain(densenet.Tensors, t => t.Name.Contains("norm.1"));
        var googlenet = ModelConverter.Convert(Fixtures.Path("googlenet-narrow.pth"), new ConvertOptions());
        Assert.DoesNotContain(googlenet.Tensors, t => t.Name.StartsWith("aux"));
        Assert.Equal([0.5f, 0.5f, 0.5f], googlenet.Info.Mean);
        Assert.Equal(299, ModelConverter.Convert(Fixtures.Path("inception_v3-narrow.pth"), new ConvertOptions()).Info.DefaultSize);
    }
}
