using System.Globalization;
using System.Text.RegularExpressions;
using DeepVis.Cli.Images;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

public sealed class FiltersCommandTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();


    private string[] Args(params string[] extra) =>
        ["filters", "--weights", _folder.MiniVgg(), "--device", "cpu", "--quiet", "--out", _folder.File("out"), .. extra];

    private static TestImages.Pixels Read(string path)
    {
        using var stream = File.OpenRead(path);
        return TestImages.Read(stream, 1);
    }

    [Fact]
    public void Filters_writes_one_image_per_filter_and_a_contact_sheet_of_them_in_batches()
    {
        var run = CliRun.Of(Args("--layer", "conv2_1", "--filter-start", "2", "--filter-end", "6", "--batch", "3", "--iterations", "6"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("batches of 3", run.Output);
        for (var f = 2; f <= 6; f++)
        {
            var match = Regex.Match(run.Output, $@"filter {f}: mean activation (\S+) -> (\S+)");
            Assert.True(match.Success, run.Output);
            var (start, end) = (float.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), float.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
            Assert.True(end > start, $"filter {f}: {start} -> {end}");
        }

        var sheetImage = Read(_folder.File("out/conv2_1-filters-2-6.png"));
        var layout = new ContactSheet(["2", "3", "4", "5", "6"], 1, 28, 28);
        Assert.Equal((3, 2), (layout.Columns, layout.Rows));
        Assert.Equal(3 * 28 + 4 * layout.Gap, sheetImage.Width);
        Assert.Equal(2 * (28 + 2 * layout.Gap + BitmapFont.GlyphHeight * layout.Scale) + layout.Gap, sheetImage.Height);
        for (var i = 0; i < 5; i++)
        {
            var tile = Read(_folder.File($"out/conv2_1-filter-{i + 2:D4}.png"));
            Assert.Equal((28, 28), (tile.Width, tile.Height));
            var (x, y) = layout.TileOrigin(i);
            for (var row = 0; row < 28; row++)
                Assert.Equal(tile.Data.AsSpan(row * 28, 28).ToArray(), sheetImage.Data.AsSpan((y + row) * sheetImage.Width + x, 28).ToArray());
            var labelRows = sheetImage.Data.AsSpan((y + 28 + layout.Gap) * sheetImage.Width, BitmapFont.GlyphHeight * sheetImage.Width).ToArray();
            Assert.Contains((byte)255, labelRows);
        }
    }

    [Theory]
    [InlineData("conv2_1", "0", "8", "filter 8 is beyond conv2_1 (features.5), which has 8 channels: 0 to 7")]
    [InlineData("pool1", "9", "9", "filter 9 is beyond pool1 (features.4), which has 4 channels: 0 to 3")]
    [InlineData("fc1", "3", "16", "filter 16 is beyond fc1 (classifier.0), which has 16 units: 0 to 15")]
    [InlineData("conv2_1", "5", "2", "--filter-start 5 is after --filter-end 2")]
    [InlineData("conv2_1", "-1", "2", "--filter-start must be a whole number from 0 to 65535, got '-1'")]
    public void Bad_filter_ranges_are_one_line(string layer, string start, string end, string message) =>
        CliRun.Of(Args("--layer", layer, "--filter-start", start, "--filter-end", end)).AssertOneLineError(message);

    [Fact]
    public void An_unknown_layer_lists_the_valid_ones() =>
        CliRun.Of(Args("--layer", "conv3_1")).AssertOneLineError("unknown layer 'conv3_1'", "features.5 (conv2_1/block2_conv1)");

    [Fact]
    public void A_size_below_what_the_pools_up_to_the_layer_need_is_one_line()
    {
        CliRun.Of(Args("--layer", "conv2_1", "--size", "1")).AssertOneLineError("--size 1 is too small for this mini-vgg: it needs at least 2");
        CliRun.Of(Args("--layer", "pool2", "--size", "3")).AssertOneLineError("--size 3 is too small for this mini-vgg: it needs at least 4");
    }

    public void Dispose() => _folder.Dispose();
}
