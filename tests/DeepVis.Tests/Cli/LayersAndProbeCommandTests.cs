using DeepVis.Tests.Support;
using PureHDF;

namespace DeepVis.Tests.Cli;

public sealed class LayersAndProbeCommandTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();


    [Fact]
    public void Layers_prints_every_layer_with_its_output_shape_at_the_given_size()
    {
        var run = CliRun.Of("layers", "--weights", _folder.MiniVgg(), "--size", "56", "--device", "cpu");
        Assert.Equal(0, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("5 ") && l.Contains("features.5") && l.Contains("conv2_1") && l.Contains("[1, 8, 28, 28]") && l.Contains("296"));
        Assert.Contains(lines, l => l.StartsWith("14 ") && l.Contains("classifier.3") && l.Contains("[1, 10]"));
        Assert.Contains("total parameters: 7,526", run.Output);
    }

    [Fact]
    public void Layers_at_a_size_later_layers_cannot_take_lists_the_shapes_that_fit()
    {
        var run = CliRun.Of("layers", "--weights", _folder.MiniVgg(), "--size", "3", "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("5 ") && l.Contains("features.5") && l.Contains("[1, 8, 1, 1]"));
        Assert.Contains(lines, l => l.StartsWith("9 ") && l.Contains("features.9") && l.Contains("does not fit"));
        Assert.Contains(lines, l => l.StartsWith("14 ") && l.Contains("classifier.3") && l.Contains("does not fit"));
        Assert.Contains("the first: features.9:", run.Output);
    }

    [Fact]
    public void Layers_with_a_missing_weights_file_is_one_line()
    {
        CliRun.Of("layers", "--weights", _folder.File("none.h5")).AssertOneLineError("none.h5", "does not exist");
    }

    [Fact]
    public void Probe_writes_activation_and_input_gradient()
    {
        var input = _folder.File("in.h5");
        var x = Enumerable.Range(0, 2 * 28 * 28).Select(i => (float)Math.Sin(i)).ToArray();
        new H5File { ["input"] = new H5Dataset(x, fileDims: [2, 1, 28, 28]) }.Write(input);
        var output = _folder.File("out.h5");
        var run = CliRun.Of("probe", "--weights", _folder.MiniVgg(), "--input", input, "--layer", "relu2_1", "--out", output, "--device", "cpu");
        Assert.Equal(0, run.ExitCode);
        using var file = H5File.OpenRead(output);
        Assert.Equal([2ul, 8, 14, 14], file.Dataset("activation").Space.Dimensions);
        Assert.Equal([2ul, 1, 28, 28], file.Dataset("gradient").Space.Dimensions);
        Assert.All(file.Dataset("activation").Read<float[]>(), v => Assert.True(v >= 0));
        Assert.Contains(file.Dataset("gradient").Read<float[]>(), v => v != 0);
    }

    [Fact]
    public void Probe_with_an_unknown_layer_lists_the_valid_ones()
    {
        var input = _folder.File("in.h5");
        new H5File { ["input"] = new H5Dataset(new float[28 * 28], fileDims: [1, 1, 28, 28]) }.Write(input);
        CliRun.Of("probe", "--weights", _folder.MiniVgg(), "--input", input, "--layer", "conv7_1", "--out", _folder.File("o.h5"))
            .AssertOneLineError("unknown layer 'conv7_1'", "features.5 (conv2_1/block2_conv1)");
        Assert.False(File.Exists(_folder.File("o.h5")));
    }

    [Fact]
    public void Probe_refuses_to_overwrite_its_input()
    {
        var input = _folder.File("in.h5");
        new H5File { ["input"] = new H5Dataset(new float[28 * 28], fileDims: [1, 1, 28, 28]) }.Write(input);
        var before = File.ReadAllBytes(input);
        CliRun.Of("probe", "--weights", _folder.MiniVgg(), "--input", input, "--layer", "conv1_1", "--out", input).AssertOneLineError("also an input");
        Assert.Equal(before, File.ReadAllBytes(input));
    }

    [Fact]
    public void Probe_takes_an_image_converted_to_the_models_channels()
    {
        var image = _folder.File("rgb.png");
        var pixels = Enumerable.Range(0, 30 * 20 * 3).Select(i => (byte)(i * 7)).ToArray();
        using (var stream = File.Create(image))
            TestImages.WritePng(pixels, 30, 20, 3, stream);
        var output = _folder.File("out.h5");
        var run = CliRun.Of("probe", "--weights", _folder.MiniVgg(), "--image", image, "--layer", "logits", "--out", output);
        Assert.Equal(0, run.ExitCode);
        using var file = H5File.OpenRead(output);
        Assert.Equal([1ul, 10], file.Dataset("activation").Space.Dimensions);
        Assert.Equal([1ul, 1, 20, 30], file.Dataset("gradient").Space.Dimensions);
    }

    [Fact]
    public void Probe_with_an_unreadable_image_is_one_line()
    {
        var image = _folder.File("broken.png");
        File.WriteAllText(image, "not a png");
        CliRun.Of("probe", "--weights", _folder.MiniVgg(), "--image", image, "--layer", "conv1_1", "--out", _folder.File("o.h5"))
            .AssertOneLineError("broken.png", "cannot be read");
    }

    [Theory]
    [InlineData(new[] { "--image", "a.png", "--input", "a.h5" }, "give --input or --image, not both")]
    [InlineData(new string[0], "give one of --input or --image")]
    public void Probe_takes_exactly_one_input(string[] inputs, string message) =>
        CliRun.Of(["probe", "--weights", _folder.MiniVgg(), "--layer", "conv1_1", "--out", _folder.File("o.h5"), .. inputs])
            .AssertOneLineError(message, "(see 'deepvis probe --help')");

    [Fact]
    public void Layers_at_a_size_beyond_the_bound_is_one_line() =>
        CliRun.Of("layers", "--weights", _folder.MiniVgg(), "--size", "100000").AssertOneLineError("--size must be a whole number from 1 to 4096, got '100000'");

    public void Dispose() => _folder.Dispose();
}
