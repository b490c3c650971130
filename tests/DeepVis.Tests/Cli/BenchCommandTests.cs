using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Optim.Benchmark;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Render;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;
using PureHDF;

namespace DeepVis.Tests.Cli;

/// <summary>The benchmark verb: its check against PyTorch's reference, its FLOP count, and its errors.</summary>
public sealed class BenchCommandTests(DeviceFixture fixture) : IDisposable
{
    private const string Reference = "alexnet-narrow-bench-ref.h5";
    private readonly TestWeights.TempFolder _folder = new();

    [Fact]
    public void Check_matches_the_pytorch_reference_then_times_the_step()
    {
        var run = CliRun.Of("bench", "--check", Fixtures.Path(Reference), "--steps", "1", "--warmup", "0");
        Assert.True(run.ExitCode == 0, run.Error);
        var check = run.Output.Split('\n').Single(l => l.StartsWith("check against"));
        Assert.EndsWith(": ok", check.Trim());
        Assert.Contains("alexnet, batch 1, 67x67, 1 steps after 0 warm-up", run.Output);
        Assert.Contains("ms/step (median", run.Output);
        Assert.Contains("image-steps/s", run.Output);
        Assert.Contains("peak device memory", run.Output);
    }

    [Fact]
    public void Check_fails_when_the_reference_logits_are_off()
    {
        var path = _folder.File("bad-ref.h5");
        File.Copy(Fixtures.Path(Reference), path);
        var logits = ReadLogits(path);
        logits[3] += 0.5f * logits.Max(Math.Abs);
        RewriteLogits(path, logits);
        var run = CliRun.Of("bench", "--check", path, "--steps", "1", "--warmup", "0");
        run.AssertOneLineError("check failed");
        Assert.Contains("FAILED", run.Output);
    }

    [Fact]
    public void Flops_count_every_convolution_and_linear_layer_both_ways()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        // mini-vgg from TestWeights: 1->4, 4->4 at 28x28; 4->8, 8->8 at 14x14; 392->16, 16->10; batch 3.
        double Conv(int cin, int cout, int side) => 3.0 * cout * side * side * cin * 9;
        var multiplyAdds = Conv(1, 4, 28) + Conv(4, 4, 28) + Conv(4, 8, 14) + Conv(8, 8, 14) + 3.0 * 16 * 392 + 3.0 * 10 * 16;
        Assert.Equal(2 * 2 * multiplyAdds, StepBenchmark.FlopsPerStep(network, 3, 28));
    }

    /// <summary>ConvNeXt's pointwise layers are Linear along the last axis of NHWC maps: most of its multiply-adds.</summary>
    [Fact]
    public void Flops_count_the_linear_layers_along_the_last_axis()
    {
        var weights = ModelConverter.Convert(Fixtures.Path("convnext-narrow.pth"), new());
        using var network = Network.Build(fixture.Device, weights);
        // The narrow ConvNeXt at 32x32: stages of 8, 16, 24, 32 channels at 8, 4, 2, 1 pixels square, 2, 1, 3, 1
        // blocks (7x7 depthwise, Linear C->4C, Linear 4C->C), 4x4 stem, 2x2 downsamples, 10 classes.
        static double Block(int c, int side) => c * side * side * (49.0 + 4 * c + 4 * c);
        var multiplyAdds = 8 * 8 * 8 * 48.0 + 2 * Block(8, 8) + 16 * 4 * 4 * 32.0 + Block(16, 4) + 24 * 2 * 2 * 64.0 + 3 * Block(24, 2)
            + 32 * 96.0 + Block(32, 1) + 10 * 32;
        Assert.Equal(2 * 2 * multiplyAdds, StepBenchmark.FlopsPerStep(network, 1, 32));
    }

    [Fact]
    public void Random_weights_have_the_published_widths_and_he_scale()
    {
        var weights = RandomWeights.Create("mini-vgg", 5);
        using var network = Network.Build(fixture.Device, weights);
        Assert.Equal([1, 10], network.OutputShapes(1, 28, 28)[network.Resolve("logits").Index]);
        var conv = weights.Tensors.Single(t => t.Name == "features.7.weight");
        Assert.Equal([32, 32, 3, 3], conv.Shape);
        var std = Math.Sqrt(conv.Data.Average(v => (double)v * v));
        Assert.InRange(std, 0.95 * Math.Sqrt(2.0 / 288), 1.05 * Math.Sqrt(2.0 / 288));
        Assert.Equal(conv.Data, RandomWeights.Create("mini-vgg", 5).Tensors.Single(t => t.Name == "features.7.weight").Data);
    }

    /// <summary>
    /// The graph families' random weights have torchvision's state dict: its tensor count (less
    /// num_batches_tracked) and parameter count (torchvision 0.14's models, BatchNorm statistics not counted).
    /// </summary>
    [Theory]
    [InlineData("efficientnet_b0", 311, 5_288_548)]
    [InlineData("mobilenet_v3_large", 266, 5_483_032)]
    [InlineData("convnext_tiny", 182, 28_589_128)]
    public void Random_weights_of_the_graph_families_have_torchvisions_tensors(string arch, int tensors, long parameters)
    {
        var weights = RandomWeights.Create(arch, 3);
        Assert.Equal(tensors, weights.Tensors.Count);
        Assert.Equal(parameters, weights.Tensors.Where(t => !t.Name.Contains(".running_", StringComparison.Ordinal)).Sum(t => (long)t.Data.Length));
        using var network = Network.Build(fixture.Device, weights);
        Assert.Equal(arch, network.Info.Arch);
        Assert.Equal([2, 1000], network.OutputShapes(2, 64, 64)[network.Resolve("logits").Index]);
        var run = CliRun.Of("bench", "--arch", arch, "--size", "32", "--steps", "1", "--warmup", "0", "--device", "cpu");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains($"{arch}, batch 1, 32x32, 1 steps after 0 warm-up", run.Output);
    }

    [Fact]
    public void Render_times_the_render_loop_of_the_embedded_model()
    {
        var run = CliRun.Of("bench", "--render", "--objective", "conv2_2:3", "--batch", "2", "--steps", "2", "--warmup", "1",
            "--device", "cpu", "--threads", "1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("mini-vgg render conv2_2:3 (fft, transforms pad:12,jitter:8,scale:0.9-1.1,rotate:10,jitter:4, adam at 0.05), " +
            "batch 2, 28x28, 2 steps after 1 warm-up", run.Output);
        Assert.Matches(@"\n  [0-9.]+ ms/step \(median, each step synchronized\); [0-9.]+ ms/step streamed", run.Output);
        Assert.Contains("image-steps/s", run.Output);
        Assert.Contains("peak device memory", run.Output);
    }

    [Fact]
    public void Render_flops_count_the_network_up_to_the_objective_layer_only()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var settings = RenderSettings.Lucid(28, 1, steps: 1);
        var bench = RenderBenchmark.Run(network, ObjectiveParser.Parse("conv2_1:2"), 3, settings, 0, new Random(1));
        // TestWeights' mini-vgg up to conv2_1: 1->4, 4->4 at 28x28; 4->8 at 14x14; batch 3.
        double Conv(int cin, int cout, int side) => 3.0 * cout * side * side * cin * 9;
        Assert.Equal(2 * 2 * (Conv(1, 4, 28) + Conv(4, 4, 28) + Conv(4, 8, 14)), bench.FlopsPerStep);
        Assert.True(bench.MedianMs > 0 && bench.StreamMs > 0);
    }

    [Theory]
    [InlineData("--render", "--objective needed", "--render needs --objective")]
    [InlineData("--transforms", "none", "apply with --render only")]
    [InlineData("--objective", "conv1_1:0", "apply with --render only")]
    [InlineData("--render", "--check", "--check compares the class step")]
    [InlineData("--render", "--bad-objective", "unknown layer 'nope'")]
    public void Render_options_out_of_place_are_one_line(string option, string value, string fragment)
    {
        string[] args = value switch
        {
            "--objective needed" => [option],
            "--check" => [option, "--objective", "conv1_1:0", "--check", Fixtures.Path(Reference)],
            "--bad-objective" => [option, "--objective", "nope:1"],
            _ => ["--arch", "mini-vgg", option, value],
        };
        CliRun.Of(["bench", .. args, "--steps", "1", "--device", "cpu"]).AssertOneLineError(fragment);
    }

    [Theory]
    [InlineData("--arch", "resnet50", "--arch: Argument 'resnet50' not recognized", "'vgg16' 'vgg19' 'alexnet' 'mini-vgg'")]
    [InlineData("--class", "10", "--class 10 is out of range", "10 classes")]
    [InlineData("--batch", "0", "--batch must be a whole number from 1 to 1024", "got '0'")]
    [InlineData("--batch", "100000", "--batch must be a whole number from 1 to 1024", "got '100000'")]
    [InlineData("--warmup", "-1", "--warmup must be a whole number from 0 to 100000", "got '-1'")]
    public void Bad_options_are_one_line(string option, string value, string fragment, string detail)
    {
        string[] arch = option == "--arch" ? [] : ["--arch", "mini-vgg"];
        CliRun.Of(["bench", .. arch, option, value, "--steps", "1"]).AssertOneLineError(fragment, detail);
    }

    [Fact]
    public void A_reference_without_the_check_datasets_is_one_line()
    {
        var path = _folder.File("weights-only.h5");
        TestWeights.MiniVgg().Write(path);
        CliRun.Of("bench", "--check", path).AssertOneLineError("reference file", "'input_gradient'");
    }

    private static float[] ReadLogits(string path)
    {
        using var file = H5File.OpenRead(path);
        return file.Dataset("logits").Read<float[]>();
    }

    /// <summary>Writes the reference again with other logits (PureHDF writes whole files).</summary>
    private static void RewriteLogits(string path, float[] logits)
    {
        var weights = WeightsFile.Read(path);
        float[] input, gradient;
        int classIndex;
        using (var file = H5File.OpenRead(path))
        {
            input = file.Dataset("input").Read<float[]>();
            gradient = file.Dataset("input_gradient").Read<float[]>();
            classIndex = file.Attribute("class_index").Read<int>();
        }
        var h5 = weights.ToH5File();
        h5["input"] = new H5Dataset(input, fileDims: [2, 3, 67, 67]);
        h5["logits"] = new H5Dataset(logits, fileDims: [2, 10]);
        h5["input_gradient"] = new H5Dataset(gradient, fileDims: [2, 3, 67, 67]);
        h5.Attributes["class_index"] = classIndex;
        h5.Write(path);
    }

    public void Dispose() => _folder.Dispose();
}
