using DeepVis.Images;
using DeepVis.Nets;
using DeepVis.Nets.Layers;
using DeepVis.Ops;
using DeepVis.Optim;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Model;

/// <summary>
/// The judge of the transfer test of class images (models/judge-mlp-fashion.h5, models/README.md): a trained
/// Fashion-MNIST model of another architecture than the default mini-vgg, which reads the shipped samples.
/// </summary>
public sealed class JudgeModelTests(DeviceFixture fixture)
{
    [Fact]
    public void The_judge_has_no_convolution_and_classifies_the_shipped_samples()
    {
        using var judge = Network.Load(fixture.Device, Fixtures.Repo("models/judge-mlp-fashion.h5"));
        Assert.DoesNotContain(judge.Layers, l => l.Layer is Conv2dLayer);
        var files = Directory.GetFiles(Fixtures.Repo("samples"), "*.png").Order().ToArray();
        Assert.Equal(10, files.Length);
        var classes = judge.Info.Classes!;
        var truth = files.Select(f => classes.Select(c => c.Replace('/', '-').Replace(' ', '-')).ToList().IndexOf(Path.GetFileNameWithoutExtension(f))).ToArray();
        Assert.DoesNotContain(-1, truth);
        var pixels = files.SelectMany(f => ImageLoader.Load(f, 1).Data).ToArray();
        var judged = ClassVisualization.Classify(judge, pixels, [files.Length, 1, 28, 28], truth);
        var wrong = Enumerable.Range(0, files.Length).Where(n => judged.Predicted(n) != truth[n]).Select(n => Path.GetFileName(files[n])).ToList();
        Assert.True(wrong.Count == 0, $"the judge misreads {string.Join(", ", wrong)}");
    }
}
