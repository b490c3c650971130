using System.Globalization;
using System.Text.RegularExpressions;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

public sealed class DreamCommandTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();


    /// <summary>A 28x28 grey PNG with a smooth pattern.</summary>
    private string Image(string name = "shirt.png")
    {
        var path = _folder.File(name);
        var pixels = Enumerable.Range(0, 28 * 28).Select(i => (byte)(128 + 100 * Math.Sin(i * 0.21))).ToArray();
        using var stream = File.Create(path);
        TestImages.WritePng(pixels, 28, 28, 1, stream);
        return path;
    }

    private string[] Args(params string[] extra) =>
        ["dream", Image(), "--weights", _folder.MiniVgg(), "--layer", "relu2_1", "--device", "cpu", "--quiet", "--out", _folder.File("out"), .. extra];

    [Fact]
    public void Dream_writes_an_image_of_the_requested_size_and_the_objective_rises()
    {
        // 32 / 2^4 = 2 is below the 4 pixels the mini-vgg's pools up to pool2 need: that octave is dropped.
        var run = CliRun.Of(Args("--layer", "pool2", "--size", "40,32", "--octaves", "5", "--octave-scale", "2", "--iterations", "6"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("4 of 5 octaves fit", run.Output);
        using (var stream = File.OpenRead(_folder.File("out/shirt-dream.png")))
        {
            var image = TestImages.Read(stream, 1);
            Assert.Equal((32, 40), (image.Width, image.Height));
        }
        var match = Regex.Match(run.Output, @"features\.6 \+ features\.9: (\S+) -> (\S+);");
        Assert.True(match.Success, run.Output);
        var (before, after) = (float.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), float.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.True(after > 1.2f * before, $"objective {before} -> {after}");
    }

    [Fact]
    public void Sizes_a_network_refuses_are_snapped_to_ones_it_accepts()
    {
        var weights = _folder.File("block.h5");
        TestWeights.AsymmetricBlock().Write(weights);
        var run = CliRun.Of("dream", Image(), "--weights", weights, "--layer", "block", "--size", "31,45", "--octaves", "3",
            "--iterations", "2", "--device", "cpu", "--quiet", "--out", _folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("dream: 31x45 does not fit this cntk-block up to block (square sizes that fit: multiples of 2 from 2 (2, 4, 6, 8, ...)): dreaming at 32x46", run.Output);
        using var stream = File.OpenRead(_folder.File("out/shirt-dream.png"));
        var image = TestImages.Read(stream, 3);
        Assert.Equal((46, 32), (image.Width, image.Height));
    }

    [Fact]
    public void A_missing_image_is_one_line() =>
        CliRun.Of("dream", _folder.File("none.png"), "--weights", _folder.MiniVgg(), "--layer", "relu2_1").AssertOneLineError("image", "none.png", "does not exist");

    [Fact]
    public void An_unknown_layer_lists_the_valid_ones() =>
        CliRun.Of(Args("--layer", "conv9_9")).AssertOneLineError("unknown layer 'conv9_9'", "features.5 (conv2_1/block2_conv1)");

    [Theory]
    [InlineData("--octaves", "0", "--octaves must be a whole number from 1 to 16, got '0'")]
    [InlineData("--octaves", "100", "--octaves must be a whole number from 1 to 16, got '100'")]
    [InlineData("--octave-scale", "1", "--octave-scale must be a number above 1 and at most 10, got '1'")]
    [InlineData("--octave-scale", "0.5", "--octave-scale must be a number above 1 and at most 10, got '0.5'")]
    [InlineData("--jitter", "100000", "--jitter must be a whole number from 0 to 1024, got '100000'")]
    [InlineData("--size", "100000", "--size must be H or H,W in whole pixels, each 1 to 4096, got '100000'")]
    [InlineData("--size", "12x4", "--size must be H or H,W")]
    [InlineData("--size", "1", "size 1x1 is too small for this mini-vgg: it needs at least 2x2")]
    public void Bad_settings_are_one_line(string option, string value, string message) =>
        CliRun.Of(Args(option, value)).AssertOneLineError(message);

    [Fact]
    public void An_output_folder_that_is_a_file_is_one_line()
    {
        var file = _folder.File("taken");
        File.WriteAllText(file, "x");
        var args = Args();
        args[Array.IndexOf(args, "--out") + 1] = file;
        CliRun.Of(args).AssertOneLineError("output folder", "taken", "cannot be created");
    }

    public void Dispose() => _folder.Dispose();
}
