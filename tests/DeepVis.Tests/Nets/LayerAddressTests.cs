using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;
using static DeepVis.Tests.Converter.OnnxGraphs;

namespace DeepVis.Tests.Nets;

/// <summary>
/// Names before indices: an imported graph whose nodes are named by number (as older PyTorch exports
/// name their values) resolves "3" to the node named 3, and "#3" to the node at index 3.
/// </summary>
public sealed class LayerAddressTests(DeviceFixture fixture) : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Five unnamed ReLUs writing the values "1" to "5": node i is addressed by its output, i + 1.</summary>
    private string NumberedOnnx() =>
        OnnxModel([1, 2, 4, 4], 13, [], [.. Enumerable.Range(1, 5).Select(i => Node("Relu", "", [i == 1 ? "x" : $"{i - 1}"], $"{i}"))])
            .Save(_folder.File("numbered.onnx"));

    private Network Numbered() => Network.Build(fixture.Device, ModelConverter.Convert(NumberedOnnx(), new ConvertOptions()));

    [Fact]
    public void A_node_named_by_a_number_is_that_node_and_hash_number_is_the_index()
    {
        using var net = Numbered();
        Assert.Equal(["1", "2", "3", "4", "5"], net.Layers.Select(l => l.Address));
        Assert.Equal(2, net.Resolve("3").Index);
        Assert.Equal("4", net.Resolve("#3").Address);
        Assert.Equal("1", net.Resolve(" #0 ").Address);
    }

    [Fact]
    public void A_bare_number_no_node_is_named_is_still_an_index()
    {
        using var net = Build(TestWeights.MiniVgg());
        Assert.Same(net.Resolve("#7"), net.Resolve("7"));
        Assert.Equal("features.7", net.Resolve("7").Address);
    }

    [Theory]
    [InlineData("#5")]
    [InlineData("#-1")]
    [InlineData("6")]
    public void An_index_out_of_range_names_the_range(string name)
    {
        using var net = Numbered();
        var e = Assert.Throws<LayerNotFoundException>(() => net.Resolve(name));
        Assert.Contains("has layers #0 to #4", e.Message);
    }

    [Fact]
    public void The_layers_listing_says_which_form_is_an_index()
    {
        var run = CliRun.Of("layers", "--weights", NumberedOnnx(), "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("'#N' is the layer at index N", run.Output);
    }

    private Network Build(WeightsFile file) => Network.Build(fixture.Device, file);
}
