using DeepVis.Tests.Support;

namespace DeepVis.Tests.Library;

// DeepVis.Tests.Model, a namespace of tests, would hide the library's Model.
using Model = DeepVis.Model;

/// <summary>
/// <see cref="Dream"/>, <see cref="Invert"/> and <see cref="ClassModel"/> are the CLI's verbs without
/// the command line: for the same seed they give the pictures the verbs write.
/// </summary>
public sealed class VisualizationTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static string Sneaker => Fixtures.Repo("samples/sneaker.png");

    private void AssertSamePicture(string cliPng, PlanarImage image)
    {
        image.SaveAsPng(_folder.File("library.png"));
        var (expected, actual) = (TestImages.Read(cliPng), TestImages.Read(_folder.File("library.png")));
        Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
        Assert.Equal(expected.Data, actual.Data);
    }

    private string Run(params string[] args)
    {
        var run = CliRun.Of([.. args, "--device", "cpu", "--quiet", "--out", _folder.File("out")]);
        Assert.True(run.ExitCode == 0, run.Error);
        return _folder.File("out");
    }

    [Fact]
    public void Dream_is_deepvis_dream()
    {
        var out_ = Run("dream", Sneaker, "--layer", "features.6", "--octaves", "2", "--iterations", "3", "--seed", "3");
        using var model = Model.Default("cpu");
        var image = Dream.Run(model, PlanarImage.Load(Sneaker, 1), "features.6", octaves: 2, iterations: 3, seed: 3);
        AssertSamePicture(Path.Combine(out_, "sneaker-dream.png"), image);
    }

    [Fact]
    public void Invert_is_deepvis_invert()
    {
        var out_ = Run("invert", Sneaker, "--layer", "relu1_2", "--iterations", "12", "--seed", "7");
        using var model = Model.Default("cpu");
        var image = Invert.Run(model, PlanarImage.Load(Sneaker, 1), "relu1_2", iterations: 12, seed: 7);
        AssertSamePicture(Path.Combine(out_, "sneaker-relu1_2.png"), image);
    }

    [Fact]
    public void ClassModel_is_deepvis_class()
    {
        var out_ = Run("class", "--class", "sneaker", "--seed", "2");
        using var model = Model.Default("cpu");
        AssertSamePicture(Path.Combine(out_, "class-7-sneaker.png"), ClassModel.Run(model, "sneaker", seed: 2));
    }

    [Fact]
    public void A_picture_of_other_channels_than_the_model_is_one_line()
    {
        using var model = Model.Default("cpu");
        var e = Assert.Throws<ImageException>(() => Dream.Run(model, PlanarImage.Load(Sneaker, 3), "features.6"));
        Assert.Contains("an image of 3 channels for a model of 1", e.Message);
    }

    [Fact]
    public void An_unknown_class_or_preset_is_one_line()
    {
        using var model = Model.Default("cpu");
        Assert.StartsWith("unknown class 'sneakr'", Assert.Throws<SettingsException>(() => ClassModel.Run(model, "sneakr")).Message);
        Assert.Contains("presets: blur, mahendran, exact",
            Assert.Throws<SettingsException>(() => Invert.Run(model, PlanarImage.Load(Sneaker, 1), "relu1_2", preset: "sharp")).Message);
    }
}
