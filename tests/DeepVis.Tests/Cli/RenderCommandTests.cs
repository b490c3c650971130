using System.Globalization;
using System.Text.RegularExpressions;
using DeepVis.Cli.Images;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

public sealed class RenderCommandTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>The embedded Fashion-MNIST mini-vgg (no --weights).</summary>
    private string[] Args(params string[] extra) => ["render", "--device", "cpu", "--quiet", "--out", _folder.File("out"), .. extra];

    private static (float Start, float End) Rise(string output, int image)
    {
        var match = Regex.Match(output, $@"image {image}: objective (\S+) -> (\S+)");
        Assert.True(match.Success, output);
        return (float.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), float.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Render_raises_a_channel_of_the_mini_vgg_and_writes_images_and_a_sheet()
    {
        var run = CliRun.Of(Args("--objective", "conv2_2:3@0 + conv2_2:9@1", "--steps", "96", "--transforms", "jitter:2", "--size", "28"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("fft, transforms jitter:2, adam at 0.05, 96 steps", run.Output);
        for (var n = 0; n < 2; n++)
        {
            var (start, end) = Rise(run.Output, n);
            Assert.True(end > start + 0.3f, $"image {n}: {start} -> {end}");
            using var stream = File.OpenRead(_folder.File($"out/render-{n}.png"));
            var image = TestImages.Read(stream, 1);
            Assert.Equal((28, 28), (image.Width, image.Height));
        }
        Assert.Matches(@"objective: \S+", run.Output);
        var layout = new ContactSheet(["0", "1"], 1, 28, 28);
        using var sheet = File.OpenRead(_folder.File("out/render-sheet.png"));
        Assert.Equal(layout.Image.Width, TestImages.Read(sheet, 1).Width);
    }

    [Fact]
    public void Filters_take_the_render_options()
    {
        var run = CliRun.Of(["filters", "--device", "cpu", "--quiet", "--out", _folder.File("out"), "--layer", "conv2_1",
            "--filter-start", "0", "--filter-end", "2", "--iterations", "64", "--param", "pixel", "--range", "clamp", "--transforms", "none"]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("filters: pixel+clamp, transforms none, adam at 0.05", run.Output);
        for (var f = 0; f <= 2; f++)
        {
            var match = Regex.Match(run.Output, $@"filter {f}: mean activation (\S+) -> (\S+)");
            Assert.True(match.Success, run.Output);
            Assert.True(float.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture) > float.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        Assert.True(File.Exists(_folder.File("out/conv2_1-filters-0-2.png")));
    }

    [Fact]
    public void Class_takes_the_render_machinery_as_options()
    {
        var run = CliRun.Of(["class", "--device", "cpu", "--quiet", "--out", _folder.File("out"), "--class", "trouser", "bag",
            "--param", "fft", "--transforms", "jitter:2", "--iterations", "128", "--background", "0,0,0"]);
        Assert.True(run.ExitCode == 0, run.Error);
        foreach (var name in new[] { "1 'trouser'", "8 'bag'" })
        {
            var match = Regex.Match(run.Output, $@"class {name}: logit \S+, probability (\S+) ->");
            Assert.True(match.Success, run.Output);
            Assert.True(float.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) > 0.9f, run.Output);
        }
        Assert.True(File.Exists(_folder.File("out/class-1-trouser.png")));
    }

    [Theory]
    [InlineData("conv2_2:3 + 0.5*", "at position 17 expected a term")]
    [InlineData("conv2_2 3", "at position 9 expected ':'")]
    [InlineData("nosuch:1", "conv2_2")]
    [InlineData("conv1_1:999", "channel 999 is beyond conv1_1, which has")]
    [InlineData("diversity(conv1_1)", "needs --batch of at least 2")]
    public void Bad_objectives_get_one_line_and_write_nothing(string objective, string message)
    {
        var run = CliRun.Of(Args("--objective", objective, "--steps", "2"));
        run.AssertOneLineError(message);
        Assert.Empty(Directory.Exists(_folder.File("out")) ? Directory.GetFiles(_folder.File("out")) : []);
    }

    [Theory]
    [InlineData("--steps", "0", "--steps must be a whole number from 1 to 100000, got '0'")]
    [InlineData("--steps", "2147483647", "--steps must be a whole number from 1 to 100000, got '2147483647'")]
    [InlineData("--size", "100000", "--size must be a whole number from 1 to 4096, got '100000'")]
    [InlineData("--lr", "-1", "--lr must be a number above 0 and at most 100, got '-1'")]
    [InlineData("--param", "wavelet", "--param: Argument 'wavelet' not recognized. Must be one of: 'fft' 'pixel'")]
    [InlineData("--optimizer", "sgd", "--optimizer: Argument 'sgd' not recognized. Must be one of: 'adam' 'normalized'")]
    [InlineData("--range", "tanh", "--range: Argument 'tanh' not recognized. Must be one of: 'sigmoid' 'clamp'")]
    [InlineData("--transforms", "pad:x", "--transforms: transform 'pad:x': 'x' is not a whole number from 0 to 1024")]
    [InlineData("--transforms", "jitter:100000", "--transforms: transform 'jitter:100000': '100000' is not a whole number from 0 to 1024")]
    [InlineData("--transforms", "jitter:100", "transforms jitter:100: a 28x28 image can become empty at jitter:100")]
    [InlineData("--decorrelate", "true", "--decorrelate needs a colour model; this one has 1 channel")]
    [InlineData("--batch", "0", "--batch must be a whole number from 1 to 1024, got '0'")]
    [InlineData("--batch", "100000", "--batch must be a whole number from 1 to 1024, got '100000'")]
    public void Options_out_of_range_name_their_range(string option, string value, string message)
    {
        var run = CliRun.Of(Args("--objective", "conv1_1:0", option, value));
        run.AssertOneLineError(message);
        Assert.Empty(Directory.Exists(_folder.File("out")) ? Directory.GetFiles(_folder.File("out")) : []);
    }

    [Fact]
    public void An_image_index_beyond_the_largest_batch_is_one_line() =>
        CliRun.Of(Args("--objective", "conv1_1:0@5000")).AssertOneLineError("the objective's @5000 asks for a batch of 5001 images; a batch holds at most 1024");

    /// <summary>Each bound alone is allowed; together they ask for a tensor larger than any, refused before anything is allocated.</summary>
    [Fact]
    public void A_size_and_batch_too_large_together_are_one_line()
    {
        CliRun.Of(Args("--objective", "conv1_1:0", "--size", "4096", "--batch", "1024"))
            .AssertOneLineError("tensor shape [1024, 1, 4096, 4096]: more values than one tensor holds");
        Assert.Empty(Directory.Exists(_folder.File("out")) ? Directory.GetFiles(_folder.File("out")) : []);
    }

    [Fact]
    public void A_direction_of_the_wrong_length_names_both_lengths()
    {
        var file = _folder.File("direction.txt");
        File.WriteAllText(file, "1 2 3");
        var run = CliRun.Of(Args("--objective", $"direction(conv1_1, {file})", "--steps", "2"));
        run.AssertOneLineError("has 3 values, conv1_1 has");
    }

    [Fact]
    public void Render_quality_measures_both_recipes_on_any_weights()
    {
        var weights = _folder.File("resnet.h5");
        Assert.Equal(0, CliRun.Of("convert", Fixtures.Path("resnet18-narrow.pth"), "--out", weights).ExitCode);
        var report = _folder.File("quality.md");
        var run = CliRun.Of("render-quality", "--weights", weights, "--device", "cpu", "--quiet", "--out", _folder.File("out"),
            "--layers", "layer1", "layer2", "--channels", "2", "--size", "32", "--steps", "4", "--photos", Fixtures.Repo("samples"), "--report", report);
        Assert.True(run.ExitCode == 0, run.Error);
        var rows = File.ReadAllLines(report).Where(l => l.StartsWith("| layer", StringComparison.Ordinal) && !l.StartsWith("| layer |", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rows.Count);
        Assert.All(rows, r => Assert.Matches(@"^\| layer\d\S* \| .+ \| (\d+\.\d\d|n/a) \(\d channels\) \| (\d+\.\d\d|n/a) \| \d\.\d\d \|$", r));
        Assert.Contains("pixel, transforms none, normalized at 0.05", run.Output);
        Assert.Contains("fft+decorrelate, transforms pad:12,", run.Output);
    }
}
