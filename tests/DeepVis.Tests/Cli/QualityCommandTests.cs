using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

public sealed class QualityCommandTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();


    /// <summary>Two 28x28 grey images (a bright square on black, its negative) in a samples folder.</summary>
    private string Samples()
    {
        var folder = _folder.File("samples");
        Directory.CreateDirectory(folder);
        for (var i = 0; i < 2; i++)
        {
            var pixels = new byte[28 * 28];
            for (var y = 0; y < 28; y++)
                for (var x = 0; x < 28; x++)
                    pixels[y * 28 + x] = (byte)((x is > 7 and < 20 && y is > 7 and < 20) == (i == 0) ? 230 : 10);
            using var file = File.Create(Path.Combine(folder, $"sample-{i}.png"));
            TestImages.WritePng(pixels, 28, 28, 1, file);
        }
        File.WriteAllText(Path.Combine(folder, "README.txt"), "not an image: skipped");
        return folder;
    }

    private CliRun Quality(params string[] args) =>
        CliRun.Of(["quality", "--weights", _folder.MiniVgg(), "--device", "cpu", "--out", _folder.File("out"), "--quiet", .. args]);

    [Fact]
    public void Writes_a_report_with_a_row_per_class_and_per_convolution()
    {
        var run = Quality("--samples", Samples(), "--inversion-iterations", "3", "--filter-iterations", "3", "--report", _folder.File("quality.md"));
        Assert.True(run.ExitCode == 0, run.Error);
        var report = File.ReadAllText(_folder.File("quality.md"));
        Assert.Equal(report + $"wrote {_folder.File("quality.md")}\n", run.Output.Replace("\r\n", "\n"));
        Assert.StartsWith("# Visualization quality: mini-vgg, 10 classes", report);
        var rows = report.Split('\n').Where(l => l.StartsWith("| ")).ToList();
        // Class rows: 10 classes with two probabilities each, then the lowest of each column.
        var classRows = rows.Where(r => r.StartsWith("| ") && r.Contains("'class ")).ToList();
        Assert.Equal(10, classRows.Count);
        Assert.All(classRows, r => Assert.Matches(@"^\| \d 'class \d' \| \d\.\d{4}( \(predicted [^)]+\))? \| \d\.\d{4}( \(predicted [^)]+\))? \|$", r));
        Assert.Single(rows, r => r.StartsWith("| **lowest** |"));
        // Inversion rows (one table per preset and option), movie coherence and filter rows: one per convolution output of the mini-vgg, the ReLU after it.
        string[] layers = ["relu1_1", "relu1_2", "relu2_1", "relu2_2"];
        Assert.Equal([.. layers, .. layers, .. layers, .. layers, .. layers], rows.Where(r => r.Contains("dB") is false && r.Contains(" to ")).Select(r => r.Split('|')[1].Trim()));
        foreach (var preset in new[] { "blur", "mahendran", "exact", "mahendran --restarts 4", "mahendran --coarse-to-fine 2" }) Assert.Contains($"## Feature inversion: --preset {preset}\n", report);
        Assert.Matches(@"Goals of the exact preset: relu1_1: lowest PSNR [0-9.]+ dB, goal 40 dB: (met|missed)\.", report);
        Assert.Contains("## Movie coherence: preset mahendran", report);
        Assert.Equal(layers, rows.Where(r => r.Count(c => c == '|') == 5 && !r.Contains(" to ") && !r.Contains('%') && r.Contains("relu"))
            .Select(r => r.Split('|')[1].Trim()));
        Assert.Equal(layers, rows.Where(r => r.EndsWith("% |")).Select(r => r.Split('|')[1].Trim()));
        Assert.Contains("The 2 sample images inverted", report);
        // The tiny test network has 4 channels per convolution in block 1 and 8 in block 2.
        Assert.Equal(["4", "4", "8", "8"], rows.Where(r => r.EndsWith("% |")).Select(r => r.Split('|')[2].Trim()));
    }

    [Fact]
    public void Measuring_one_part_leaves_the_others_out_and_reports_to_out_by_default()
    {
        var run = Quality("--measure", "filters", "--filter-iterations", "2");
        Assert.True(run.ExitCode == 0, run.Error);
        var report = File.ReadAllText(_folder.File("out/quality.md"));
        Assert.Contains("## Filter maximization", report);
        Assert.DoesNotContain("## Class visualization", report);
        Assert.DoesNotContain("## Feature inversion", report);
    }

    /// <summary>
    /// The model as its own judge: the transfer table's judged cells must repeat the class table's, and
    /// each column's counts must be the rows the judge and the model predict as their class.
    /// </summary>
    [Fact]
    public void A_judge_counts_the_class_images_it_recognizes()
    {
        var run = Quality("--measure", "class", "--judge", _folder.MiniVgg());
        Assert.True(run.ExitCode == 0, run.Error);
        var report = File.ReadAllText(_folder.File("out/quality.md"));
        var transfer = report[report.IndexOf("## Class visualization judged by another model", StringComparison.Ordinal)..].Split('\n');
        string[] Cells(string row) => [.. row.Split('|')[2..^1].Select(c => c.Trim().Trim('*'))];
        var judged = transfer.Where(r => r.StartsWith("| ") && r.Contains("'class ")).Select(Cells).ToList();
        Assert.Equal(10, judged.Count);
        Assert.All(judged, r => Assert.Equal(4, r.Length));
        var own = report.Split('\n').Where(r => r.StartsWith("| ") && r.Contains("'class ")).Take(10).Select(Cells).ToList();
        Assert.Equal(own.Select(r => r[0]), judged.Select(r => r[0]));
        Assert.Equal(own.Select(r => r[1]), judged.Select(r => r[1]));
        var recognized = Cells(Assert.Single(transfer, r => r.StartsWith("| **recognized by the judge** |")));
        var byModel = Cells(Assert.Single(transfer, r => r.StartsWith("| recognized by the model |")));
        for (var column = 0; column < 4; column++)
            Assert.Equal($"{judged.Count(r => !r[column].Contains("predicted"))}/10", recognized[column]);
        Assert.Equal(recognized, byModel);
        var most = recognized.Max(c => int.Parse(c.Split('/')[0]));
        Assert.Contains(most == 10 ? "The judge recognizes every image of `" : $"No recipe reaches the goal; the judge recognizes most ({most}) of `", report);
    }

    [Fact]
    public void A_judge_that_reads_other_images_is_one_line() =>
        Quality("--measure", "class", "--judge", Fixtures.Path("resnet18-narrow-opset13-bn.onnx")).AssertOneLineError("--judge", "it reads 3 channels, the model 1");

    [Fact]
    public void A_judge_without_class_images_is_one_line() =>
        Quality("--measure", "filters", "--judge", _folder.MiniVgg()).AssertOneLineError("--judge judges class images: it needs --measure class");

    [Fact]
    public void An_unknown_measurement_is_one_line() =>
        Quality("--measure", "dream").AssertOneLineError("--measure: Argument 'dream' not recognized", "'class' 'invert' 'filters'");

    [Fact]
    public void A_missing_samples_folder_is_one_line() =>
        Quality("--measure", "invert", "--samples", _folder.File("nowhere")).AssertOneLineError("--samples folder", "nowhere", "does not exist");

    [Fact]
    public void A_samples_folder_without_images_is_one_line()
    {
        Directory.CreateDirectory(_folder.File("empty"));
        Quality("--measure", "invert", "--samples", _folder.File("empty")).AssertOneLineError("holds no images", ".png");
    }

    [Fact]
    public void A_report_in_a_missing_folder_fails_before_any_computation()
    {
        var run = Quality("--measure", "class", "--report", _folder.File("missing/quality.md"));
        run.AssertOneLineError("output folder", "does not exist");
        Assert.False(Directory.Exists(_folder.File("out")));
    }

    [Theory]
    [InlineData("--inversion-iterations")]
    [InlineData("--filter-iterations")]
    public void Iterations_below_one_are_one_line(string option) =>
        Quality(option, "0").AssertOneLineError($"{option} must be a whole number from 1 to 100000, got '0'");

    public void Dispose() => _folder.Dispose();
}
