using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

public sealed class NetworkTests(DeviceFixture fixture)
{
    private Network Build(WeightsFile file) => Network.Build(fixture.Device, file);

    [Fact]
    public void Builds_mini_vgg_with_widths_from_the_tensors()
    {
        using var net = Build(TestWeights.MiniVgg());
        Assert.Equal(
            ["features.0", "features.1", "features.2", "features.3", "features.4", "features.5", "features.6", "features.7",
             "features.8", "features.9", "avgpool", "classifier.0", "classifier.1", "classifier.2", "classifier.3"],
            net.Layers.Select(l => l.Address));
        var shapes = net.OutputShapes(2, 28, 28);
        Assert.Equal([2, 4, 28, 28], shapes[0]);
        Assert.Equal([2, 4, 14, 14], shapes[4]);
        Assert.Equal([2, 8, 7, 7], shapes[9]);
        Assert.Equal([2, 8, 7, 7], shapes[10]);
        Assert.Equal([2, 10], shapes[^1]);
        Assert.Equal(4 * 9 + 4 + 4 * 4 * 9 + 4, net.Layers[0].Layer.ParameterCount + net.Layers[2].Layer.ParameterCount);
    }

    [Theory]
    [InlineData("features.5", 5)]
    [InlineData("conv2_1", 5)]
    [InlineData("block2_conv1", 5)]
    [InlineData("RELU1_2", 3)]
    [InlineData("pool2", 9)]
    [InlineData("logits", 14)]
    [InlineData("fc1", 11)]
    [InlineData("7", 7)]
    public void Resolves_addresses_aliases_and_indices(string name, int index)
    {
        using var net = Build(TestWeights.MiniVgg());
        Assert.Equal(index, net.Resolve(name).Index);
    }

    [Fact]
    public void An_unknown_layer_lists_the_valid_ones()
    {
        using var net = Build(TestWeights.MiniVgg());
        var e = Assert.Throws<LayerNotFoundException>(() => net.Resolve("conv9_9"));
        Assert.Contains("'conv9_9'", e.Message);
        Assert.Contains("features.0 (conv1_1/block1_conv1)", e.Message);
        Assert.Contains("classifier.3 (fc2/logits)", e.Message);
        Assert.Throws<LayerNotFoundException>(() => net.Resolve("15"));
    }

    [Fact]
    public void A_tensor_of_the_wrong_shape_names_the_tensor_and_both_shapes()
    {
        var e = Assert.Throws<WeightsException>(() => Build(TestWeights.MiniVgg().With("features.2.weight", [4, 3, 3, 3])));
        Assert.Contains("'features.2.weight' has shape [4, 3, 3, 3], expected [out, 4 / groups, 3, 3]", e.Message);
    }

    [Fact]
    public void A_linear_layer_that_does_not_fit_the_flattened_features_is_named()
    {
        var e = Assert.Throws<WeightsException>(() => Build(TestWeights.MiniVgg().With("classifier.0.weight", [16, 100])));
        Assert.Contains("'classifier.0.weight' has shape [16, 100], expected [out, 392]", e.Message);
    }

    [Fact]
    public void A_missing_tensor_is_named()
    {
        var e = Assert.Throws<WeightsException>(() => Build(TestWeights.MiniVgg().With("features.7.bias", null)));
        Assert.Contains("'features.7.bias' is missing (expected shape [8])", e.Message);
    }

    [Fact]
    public void A_tensor_no_layer_uses_is_an_error()
    {
        var e = Assert.Throws<WeightsException>(() => Build(TestWeights.MiniVgg().With("features.3.weight", [4])));
        Assert.Contains("'features.3.weight' belongs to no layer", e.Message);
    }

    [Fact]
    public void An_unknown_architecture_lists_the_known_ones()
    {
        var file = TestWeights.MiniVgg();
        var e = Assert.Throws<WeightsException>(() => Build(new WeightsFile(file.Info with { Arch = "lenet5" }, file.Tensors)));
        Assert.Contains("unknown architecture 'lenet5'", e.Message);
        Assert.Contains("vgg16, vgg19, alexnet, mini-vgg, resnet18", e.Message);
        Assert.Contains("googlenet, inception_v3, mobilenet_v2, squeezenet1_0", e.Message);
    }
}
