using DeepVis.Optim.Objectives;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Library;

// DeepVis.Tests.Model, a namespace of tests, would hide the library's Model.
using Model = DeepVis.Model;

/// <summary><see cref="Render"/>: the library's render is the CLI's, with Lucent's defaults.</summary>
public sealed class RenderTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void A_channel_render_is_the_picture_deepvis_render_writes_for_the_same_seed()
    {
        var run = CliRun.Of("render", "--objective", "features.6:3", "--size", "36", "--steps", "24", "--seed", "5", "--device", "cpu",
            "--quiet", "--out", _folder.File("out"));
        Assert.True(run.ExitCode == 0, run.Error);
        using var model = Model.Default("cpu");
        var image = Render.Channel(model, "features.6:3", size: 36, steps: 24, seed: 5);
        Assert.Equal((1, 36, 36), (image.Channels, image.Height, image.Width));
        image.SaveAsPng(_folder.File("library.png"));
        Assert.Equal(TestImages.Read(_folder.File("out/render-0.png")).Data, TestImages.Read(_folder.File("library.png")).Data);
    }

    [Fact]
    public void An_objective_expression_renders_and_differs_from_its_single_channel()
    {
        using var model = Model.Default("cpu");
        var one = Render.Channel(model, "features.6:3", size: 32, steps: 8);
        var sum = Render.Objective(model, "features.6:3 + features.6:5", size: 32, steps: 8);
        Assert.Equal((32, 32), (sum.Height, sum.Width));
        Assert.NotEqual(one.Data, sum.Data);
        Assert.All(sum.Data, v => Assert.InRange(v, 0f, 1f));
    }

    [Fact]
    public void Channel_refuses_an_expression_in_one_line()
    {
        using var model = Model.Default("cpu");
        var e = Assert.Throws<ObjectiveException>(() => Render.Channel(model, "features.6:3 + features.6:5", steps: 1));
        Assert.Contains("expected LAYER:CHANNEL", e.Message);
    }
}
