using System.Globalization;
using System.Text.RegularExpressions;
using DeepVis.Tests.Support;
using PureHDF;

namespace DeepVis.Tests.Cli;

/// <summary>
/// Every verb on a ResNet and a GoogLeNet converted by <c>deepvis convert</c> from torchvision-layout
/// files (the narrow random fixtures): each runs, and each optimization moves its objective the
/// right way.
/// </summary>
public sealed class GraphNetworkCommandTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public static TheoryData<string, string, string> Networks => new()
    {
        { "resnet18-narrow", "layer2", "relu" },
        { "googlenet-narrow", "inception3a", "conv1" },
    };

    private string Convert(string name)
    {
        var path = _folder.File($"{name}.h5");
        var run = CliRun.Of("convert", Fixtures.Path($"{name}.pth"), "--out", path);
        Assert.True(run.ExitCode == 0, run.Error);
        return path;
    }

    private CliRun Run(string verb, string weights, params string[] extra) =>
        CliRun.Of([verb, "--weights", weights, "--device", "cpu", "--quiet", "--out", _folder.File("out"), .. extra]);

    private static float Number(string output, string pattern, int group = 1)
    {
        var match = Regex.Match(output, pattern);
        Assert.True(match.Success, $"'{pattern}' not in:\n{output}");
        return float.Parse(match.Groups[group].Value, CultureInfo.InvariantCulture);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Layers_lists_the_graph_with_inputs_and_folded_batch_norms(string name, string block, string early)
    {
        var weights = Convert(name);
        var run = CliRun.Of("layers", "--weights", weights, "--size", "64");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("inputs", run.Output);
        Assert.Matches($@"\n\d+ +{Regex.Escape(early)} ", run.Output);
        Assert.Contains("Conv2d+BatchNorm2d", run.Output);
        Assert.Matches(@"Concat|Add", run.Output);
        Assert.Contains(block, run.Output);
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Probe_class_filters_dream_and_invert_run_and_move_their_objectives(string name, string block, string early)
    {
        var weights = Convert(name);
        var image = Fixtures.Repo("samples/bag.png");

        var probe = CliRun.Of("probe", "--weights", weights, "--device", "cpu", "--layer", block, "--image", image, "--out", _folder.File("probe.h5"));
        Assert.True(probe.ExitCode == 0, probe.Error);
        using (var file = H5File.OpenRead(_folder.File("probe.h5")))
            Assert.Equal(new[] { "activation", "gradient" }, file.Children().Select(c => c.Name).Order());

        var classRun = Run("class", weights, "--class", "3", "--size", "64", "--iterations", "5");
        Assert.True(classRun.ExitCode == 0, classRun.Error);
        Assert.True(File.Exists(_folder.File("out/class-3.png")));

        var filters = Run("filters", weights, "--layer", block, "--filter-end", "1", "--size", "64", "--iterations", "5");
        Assert.True(filters.ExitCode == 0, filters.Error);
        Assert.Matches(@"filter 1: mean activation \S+ -> \S+", filters.Output);

        var dream = Run("dream", weights, image, "--layer", block, "--size", "64");
        Assert.True(dream.ExitCode == 0, dream.Error);
        Assert.True(Number(dream.Output, @": (\S+) -> (\S+);", 2) > Number(dream.Output, @": (\S+) -> (\S+);"));

        float Loss(int iterations) =>
            Number(Run("invert", weights, image, "--layer", early, "--size", "64", "--iterations", $"{iterations}").Output,
                @"feature loss ([0-9.eE+-]+)");
        Assert.True(Loss(40) < 0.5f * Loss(1), "the feature loss should fall");
    }

    /// <summary>
    /// On the ResNet the filters rise from the grey start. (The narrow GoogLeNet's random BatchNorm
    /// statistics, calibrated on N(0, 1) inputs, leave every unit after conv2 dead for a uniform grey
    /// image, so nothing can rise there; its gradients are checked against PyTorch in GraphFixtureTests.)
    /// </summary>
    [Fact]
    public void Filters_rise_on_the_resnet()
    {
        var filters = Run("filters", Convert("resnet18-narrow"), "--layer", "layer2", "--filter-end", "1", "--size", "64", "--iterations", "10");
        Assert.True(filters.ExitCode == 0, filters.Error);
        foreach (var f in new[] { 0, 1 })
            Assert.True(Number(filters.Output, $@"filter {f}: mean activation (\S+) -> (\S+)", 2) > Number(filters.Output, $@"filter {f}: mean activation (\S+) ->"));
    }

    public void Dispose() => _folder.Dispose();
}
