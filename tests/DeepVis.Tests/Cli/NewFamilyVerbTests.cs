using System.Globalization;
using System.Text.RegularExpressions;
using DeepVis.Cli.Atlas;
using DeepVis.Tests.Support;
using PureHDF;

namespace DeepVis.Tests.Cli;

/// <summary>
/// Every verb on an EfficientNet-B0 and a ConvNeXt-Tiny read straight from torchvision-layout .pth
/// files (the narrow random fixtures of make_se_fixtures.py and make_layout_fixtures.py), at module
/// paths of these families: a squeeze-excitation block's output, a CNBlock's channels-last
/// <c>block.5</c> and its <c>layer_scale</c>. Each verb writes what it promises and moves its objective
/// the right way; probe's values are PyTorch's.
/// </summary>
public sealed class NewFamilyVerbTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>
    /// Fixture, a channel layer (NCHW: channel objectives, filters, atlas) and a feature layer (dream,
    /// invert) of each family.
    /// </summary>
    public static TheoryData<string, string, string> Networks => new()
    {
        { "efficientnet_b0-narrow", "features.2.0.block.2", "features.1.0.block.1" },
        { "convnext-narrow", "features.1.0.layer_scale", "features.1.0.block.5" },
    };

    private static string Weights(string fixture) => Fixtures.Path($"{fixture}.pth");

    private static readonly string Image = Fixtures.Repo("samples/bag.png");

    private CliRun Run(string verb, string fixture, params string[] extra) =>
        CliRun.Of([verb, "--weights", Weights(fixture), "--device", "cpu", "--quiet", "--out", _folder.File(verb), .. extra]);

    private static float Number(string output, string pattern, int group = 1)
    {
        var match = Regex.Match(output, pattern);
        Assert.True(match.Success, $"'{pattern}' not in:\n{output}");
        return float.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
    }

    private static void AssertPng(string path, int width, int height)
    {
        Assert.True(File.Exists(path), $"{path} was not written");
        using var stream = File.OpenRead(path);
        var image = TestImages.Read(stream, 3);
        Assert.Equal((width, height), (image.Width, image.Height));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Render_raises_a_channel_and_writes_the_image_and_sheet(string fixture, string channels, string _)
    {
        var run = Run("render", fixture, "--objective", $"{channels}:1", "--steps", "24", "--size", "64");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(Number(run.Output, @"image 0: objective (\S+) -> (\S+)", 2) > Number(run.Output, @"image 0: objective (\S+) ->"), run.Output);
        AssertPng(_folder.File("render/render-0.png"), 64, 64);
        Assert.True(File.Exists(_folder.File("render/render-sheet.png")));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Filters_raise_each_channel_and_write_an_image_per_filter(string fixture, string channels, string _)
    {
        var run = Run("filters", fixture, "--layer", channels, "--filter-end", "1", "--size", "64", "--iterations", "10");
        Assert.True(run.ExitCode == 0, run.Error);
        for (var f = 0; f <= 1; f++)
        {
            Assert.True(Number(run.Output, $@"filter {f}: mean activation (\S+) -> (\S+)", 2) > Number(run.Output, $@"filter {f}: mean activation (\S+) ->"), run.Output);
            AssertPng(_folder.File($"filters/{channels}-filter-{f:D4}.png"), 64, 64);
        }
        Assert.True(File.Exists(_folder.File($"filters/{channels}-filters-0-1.png")));
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Dream_raises_the_activation_norm_of_the_layer(string fixture, string _, string features)
    {
        var run = Run("dream", fixture, Image, "--layer", features, "--size", "64");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(Number(run.Output, @": (\S+) -> (\S+);", 2) > Number(run.Output, @": (\S+) -> (\S+);"), run.Output);
        AssertPng(_folder.File("dream/bag-dream.png"), 64, 64);
    }

    /// <summary>
    /// The feature loss falls by a quarter at least. (At the narrow ConvNeXt's block.5 the random
    /// Linear's biases dominate the features, so noise starts within 0.2% of the target and the loss
    /// falls slower than at the EfficientNet's SE block.)
    /// </summary>
    [Theory]
    [MemberData(nameof(Networks))]
    public void Invert_lowers_the_feature_loss(string fixture, string _, string features)
    {
        float Loss(int iterations)
        {
            var run = Run("invert", fixture, Image, "--layer", features, "--size", "64", "--iterations", $"{iterations}");
            Assert.True(run.ExitCode == 0, run.Error);
            return Number(run.Output, @"feature loss ([0-9.eE+-]+)");
        }
        var (first, last) = (Loss(1), Loss(40));
        Assert.True(last < 0.75f * first, $"the feature loss should fall: {first} -> {last}");
        Assert.Single(Directory.GetFiles(_folder.File("invert"), "*.png"));
        AssertPng(Directory.GetFiles(_folder.File("invert"), "*.png")[0], 64, 64);
    }

    /// <summary>
    /// The class logit rises with more steps. The L2 penalty and jitter are off: the narrow random
    /// ConvNeXt's logits move by hundredths over the whole image, so the default penalty on the image
    /// outweighs them and the logit may fall while the penalized objective rises.
    /// </summary>
    [Theory]
    [InlineData("efficientnet_b0-narrow")]
    [InlineData("convnext-narrow")]
    public void Class_raises_the_class_logit(string fixture)
    {
        float Logit(int iterations)
        {
            var run = Run("class", fixture, "--class", "3", "--size", "64", "--iterations", $"{iterations}", "--l2", "0", "--jitter", "0");
            Assert.True(run.ExitCode == 0, run.Error);
            return Number(run.Output, @"class 3: logit (\S+),");
        }
        Assert.True(Logit(20) > Logit(1));
        AssertPng(_folder.File("class/class-3.png"), 64, 64);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Atlas_writes_a_page_per_layer_and_channel(string fixture, string channels, string features)
    {
        // Dream and invert take any layer; the atlas ranks channels, so it gets the NCHW layers.
        var second = fixture.StartsWith("convnext", StringComparison.Ordinal) ? "features.3.0.layer_scale" : features;
        var site = _folder.File("site");
        var run = CliRun.Of("atlas", "--weights", Weights(fixture), "--device", "cpu", "--quiet", "--layers", channels, second,
            "--channels", "0-3", "--batch", "4", "--steps", "8", "--size", "64",
            "--examples", Fixtures.Repo("samples"), "--examples-top", "2", "--examples-batch", "5", "--out", site);
        Assert.True(run.ExitCode == 0, run.Error);
        var manifest = AtlasManifest.Find(site)!;
        Assert.Equal(2, manifest.Layers.Count);
        Assert.Equal(8, manifest.Channels.Count);
        var index = File.ReadAllText(Path.Combine(site, "index.html"));
        foreach (var (layer, asked) in manifest.Layers.Zip([channels, second]))
        {
            Assert.StartsWith(asked, layer.Address);
            Assert.Contains($"href=\"{layer.Folder}/index.html\"", index);
            Assert.True(File.Exists(Path.Combine(site, layer.Folder, "index.html")));
            for (var c = 0; c <= 3; c++) Assert.True(File.Exists(Path.Combine(site, AtlasSite.ChannelPage(layer, c))));
        }
        Assert.True(manifest.Channels.Count(c => c.End > c.Start) >= 6, string.Join(", ", manifest.Channels.Select(c => $"{c.Start}->{c.End}")));
        foreach (var channel in manifest.Channels) AssertPng(Path.Combine(site, channel.Image), 64, 64);
    }

    /// <summary>
    /// A CNBlock's layers between its permutes hold the channels on the last axis: what reads channels on
    /// axis 1 (channel and neuron terms, directions, diversity, filters, the atlas) refuses them in one
    /// line naming the layer after the permute back, where it would otherwise read rows as channels.
    /// </summary>
    [Theory]
    [InlineData("render", "--objective", "features.1.0.block.5:2")]
    [InlineData("render", "--objective", "diversity(features.1.0.block.2)")]
    [InlineData("filters", "--layer", "features.1.0.block.3")]
    [InlineData("atlas", "--layers", "features.1.0.block.5")]
    public void Channels_on_the_last_axis_are_refused_in_one_line(string verb, string option, string value)
    {
        var run = CliRun.Of(verb, "--weights", Weights("convnext-narrow"), "--device", "cpu", "--quiet", "--out", _folder.File("out"),
            "--size", "64", "--batch", "2", option, value);
        run.AssertOneLineError("holds its channels on the last axis of [", "take a layer after the permute back, such as features.1.0.block");
        Assert.False(Directory.Exists(_folder.File("out")) && Directory.EnumerateFiles(_folder.File("out"), "*", SearchOption.AllDirectories).Any());
    }

    /// <summary>
    /// Probe on the fixture's own input: the activation and the input gradient of 0.5*||activation||^2
    /// equal PyTorch's (the reference file), at an SE block's output and a CNBlock's channels-last layers.
    /// </summary>
    [Theory]
    [InlineData("efficientnet_b0-narrow", "features.1.0.block.1")]
    [InlineData("convnext-narrow", "features.1.0.block.5")]
    [InlineData("convnext-narrow", "features.1.0.block.2")]
    public void Probe_gives_pytorchs_activation_and_gradient(string fixture, string address)
    {
        using var reference = H5File.OpenRead(Fixtures.Path($"{fixture}-ref.h5"));
        var input = reference.Dataset("input");
        var x = input.Read<float[]>();
        var inputFile = _folder.File("input.h5");
        new H5File { ["input"] = new H5Dataset(x, fileDims: input.Space.Dimensions) }.Write(inputFile);
        var output = _folder.File("probe.h5");
        var run = CliRun.Of("probe", "--weights", Weights(fixture), "--device", "cpu", "--layer", address, "--input", inputFile, "--out", output);
        Assert.True(run.ExitCode == 0, run.Error);
        using var file = H5File.OpenRead(output);
        var expected = reference.Dataset($"activation/{address}");
        Assert.Equal(expected.Space.Dimensions, file.Dataset("activation").Space.Dimensions);
        RelativeError.AssertBelow(1e-4, expected.Read<float[]>(), file.Dataset("activation").Read<float[]>(), $"{address} activation");
        Assert.Equal(input.Space.Dimensions, file.Dataset("gradient").Space.Dimensions);
        if (reference.Group("gradient").Children().Any(c => c.Name == address))
            RelativeError.AssertBelow(1e-4, reference.Dataset($"gradient/{address}").Read<float[]>(), file.Dataset("gradient").Read<float[]>(), $"{address} gradient");
    }
}
