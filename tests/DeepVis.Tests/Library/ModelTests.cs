using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;

namespace DeepVis.Tests.Library;

// DeepVis.Tests.Model, a namespace of tests, would hide the library's Model.
using Model = DeepVis.Model;

/// <summary><see cref="Model"/>: every format the CLI's --weights takes, by path, and the embedded model.</summary>
public sealed class ModelTests
{
    [Theory]
    [InlineData("resnet18-narrow.pth")]
    [InlineData("resnet18-narrow-legacy.pth")]
    [InlineData("vgg16-narrow-keras.h5")]
    public void A_foreign_file_loads_as_the_network_its_DeepVis_conversion_is(string fixture)
    {
        using var folder = new TestWeights.TempFolder();
        var converted = folder.File("converted.h5");
        ModelConverter.ConvertFile(Fixtures.Path(fixture), converted, new ConvertOptions());
        using var model = Model.Load(Fixtures.Path(fixture), "cpu");
        using var reference = Model.Load(converted, "cpu");
        Assert.Equal(reference.Info.Arch, model.Info.Arch);
        Assert.Equal(reference.Layers.Select(l => (l.Address, l.Type, l.Parameters)), model.Layers.Select(l => (l.Address, l.Type, l.Parameters)));
        Assert.Equal(reference.Network.Layers[0].Layer.ParameterCount, model.Network.Layers[0].Layer.ParameterCount);
    }

    [Fact]
    public void An_onnx_model_is_imported_in_memory_and_says_what_it_assumed()
    {
        var notes = new StringWriter();
        using var model = Model.Load(Fixtures.Path("resnet18-narrow-opset13-bn.onnx"), "cpu", notes);
        Assert.Contains("layer3", model.Layers.SelectMany(l => l.Aliases.Append(l.Address)));
        Assert.Contains("does not say how its input is normalized", notes.ToString());
    }

    [Fact]
    public void A_keras_h5_is_told_from_a_DeepVis_h5_by_its_attributes()
    {
        using var model = Model.Load(Fixtures.Path("vgg16-narrow-keras.h5"), "cpu");
        Assert.Equal(("vgg16", "BGR", 255f), (model.Info.Arch, model.Info.ColorOrder, model.Info.InputRange));
        Assert.Contains(model.Layers, l => l.Aliases.Contains("block4_conv3"));
    }

    [Fact]
    public void The_default_model_is_the_embedded_mini_vgg_with_shapes_at_its_size()
    {
        using var model = Model.Default("cpu");
        Assert.Equal(("mini-vgg", 1, 28, 10), (model.Info.Arch, model.Info.InputChannels, model.Info.DefaultSize, model.Info.ClassCount));
        Assert.Equal(DefaultModel.ResourceName, model.Name);
        Assert.Equal([1, 10], model.Layers[^1].OutputShape!);
        Assert.All(model.Layers, l => Assert.Null(l.Problem));
    }

    [Fact]
    public void Shapes_that_do_not_fit_name_the_first_layer_that_refuses()
    {
        using var model = Model.Default("cpu");
        var layers = LayerInfo.Of(model.Network, 3);
        var first = layers.First(l => l.Problem is not null);
        Assert.Null(first.OutputShape);
        Assert.All(layers.Where(l => l.Index > first.Index), l => Assert.Null(l.OutputShape));
    }

    [Fact]
    public void A_name_that_is_neither_a_file_nor_a_model_is_one_line_listing_the_models()
    {
        var e = Assert.Throws<WeightsException>(() => Model.Load("no-such-model.h5", "cpu"));
        Assert.Equal($"weights file 'no-such-model.h5' does not exist, nor is it a model name ({string.Join(", ", Model.KnownNames)})", e.Message);
    }

    [Fact]
    public void A_text_file_is_refused_by_the_DeepVis_reader_naming_the_file()
    {
        using var folder = new TestWeights.TempFolder();
        var path = folder.File("notes.txt");
        File.WriteAllText(path, "not weights");
        var e = Assert.ThrowsAny<DeepVisException>(() => Model.Load(path, "cpu"));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void An_unknown_model_to_fetch_lists_the_known_ones()
    {
        var e = Assert.ThrowsAny<DeepVisException>(() => Model.Get("resnet1000"));
        Assert.Contains("resnet18-imagenet", e.Message);
    }
}
