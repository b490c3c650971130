using DeepVis.Images;
using DeepVis.Cli.Quality;
using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Model;

/// <summary>
/// The embedded Fashion-MNIST mini-vgg (models/README.md): it is a real trained model, it reads the
/// shipped samples correctly, and class visualization on it reaches the quality bound of docs/quality.md.
/// </summary>
public sealed class DefaultModelTests(DeviceFixture fixture)
{
    [Fact]
    public void The_embedded_model_classifies_every_shipped_sample_as_its_file_name_says()
    {
        using var network = global::DeepVis.DefaultModel.Load(fixture.Device);
        Assert.Equal("mini-vgg", network.Info.Arch);
        var classes = network.Info.Classes!;
        var files = Directory.GetFiles(Fixtures.Repo("samples"), "*.png").Order().ToArray();
        Assert.Equal(10, files.Length);
        var logits = network.Resolve("logits");
        using var workspace = new Workspace(network, [files.Length, 1, 28, 28], logits);
        var batch = files.SelectMany(f =>
        {
            var image = ImageLoader.Load(f, 1);
            return network.Info.Normalize(image.Data, image.Height * image.Width);
        }).ToArray();
        workspace.Input.CopyFrom(batch);
        workspace.Forward();
        var output = workspace.Output.ToArray();
        for (var n = 0; n < files.Length; n++)
        {
            var row = output.AsSpan(n * 10, 10).ToArray();
            var predicted = classes[Array.IndexOf(row, row.Max())];
            Assert.Equal(Path.GetFileNameWithoutExtension(files[n]), predicted.Replace('/', '-').Replace(' ', '-'));
        }
    }

    /// <summary>
    /// The class-probability goal of docs/quality.md, with the defaults of <c>deepvis class</c> and the
    /// CLI's default seed: every one of the ten images is classified as its class with probability at
    /// least 0.9, from noise (the default start) and from black (the README's first command).
    /// </summary>
    [Theory]
    [InlineData("noise")]
    [InlineData("black")]
    public void Class_visualization_reaches_probability_0_9_for_every_class(string start)
    {
        using var network = global::DeepVis.DefaultModel.Load(fixture.Device);
        var settings = start == "black" ? new ClassSettings { Background = QualitySurvey.Black } : new ClassSettings();
        var classes = QualityMeasures.Qualities(ClassVisualization.Run(network, [.. Enumerable.Range(0, 10)], settings, new Random(0)));
        Assert.Equal(10, classes.Count);
        Assert.All(classes, c => Assert.True(c.Probability >= QualityReport.ClassGoal && c.Predicted == c.Class,
            $"class {c.Class} '{network.Info.Classes![c.Class]}' from {start}: probability {c.Probability:F4}, predicted {c.Predicted}"));
    }

    /// <summary>
    /// The inversion goals of docs/quality.md for the faithful preset, as <c>deepvis quality</c>
    /// measures them: the ten samples in one batch, 200 steps of the exact preset, PSNR at least 40 dB at
    /// relu1_1 and relu1_2, relative feature loss at most 0.3 at relu2_2, PSNR falling with depth.
    /// </summary>
    [Fact]
    public void The_exact_preset_reaches_the_inversion_goals_on_the_ten_samples()
    {
        using var network = global::DeepVis.DefaultModel.Load(fixture.Device);
        var files = Directory.GetFiles(Fixtures.Repo("samples"), "*.png").Order().ToArray();
        var originals = files.SelectMany(f => network.Info.Normalize(ImageLoader.Load(f, 1).Data, 28 * 28)).ToArray();
        var settings = InversionPresets.For(InversionPresets.Exact, network.Info, 28, 28, [1, 16, 28, 28])!;
        Assert.Equal(200, settings.Iterations);
        var rows = new[] { "relu1_1", "relu1_2", "relu2_2" }.Select(layer =>
            QualityMeasures.Inversion(network, originals, [files.Length, 1, 28, 28], network.Resolve(layer), settings, new Random(0))).ToList();
        foreach (var row in rows.Take(2))
            Assert.True(row.Psnr.Min() >= QualityReport.InversionPsnrGoal, $"{row.Layer}: lowest psnr {row.Psnr.Min():F1} dB");
        Assert.True(rows[2].FeatureLoss.Average() <= QualityReport.InversionLossGoal, $"relu2_2: mean feature loss {rows[2].FeatureLoss.Average():F3}");
        Assert.True(rows[0].Psnr.Average() >= rows[1].Psnr.Average() && rows[1].Psnr.Average() >= rows[2].Psnr.Average(),
            $"mean psnr by depth: {string.Join(", ", rows.Select(r => r.Psnr.Average().ToString("F1")))} dB");
    }
}
