using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

public sealed class ConvertCommandTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    [Fact]
    public void Converts_a_pth_into_a_loadable_weights_file()
    {
        var target = _folder.File("vgg19.h5");
        var run = CliRun.Of("convert", Fixtures.Path("vgg19-narrow-legacy.pth"), "--out", target, "--size", "32");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("vgg19, 38 tensors, 130,238 parameters", run.Output);
        var file = WeightsFile.Read(target);
        Assert.Equal(("vgg19", 3, 32, 10), (file.Info.Arch, file.Info.InputChannels, file.Info.DefaultSize, file.Info.ClassCount));
        Assert.Equal([0.485f, 0.456f, 0.406f], file.Info.Mean);
    }

    [Fact]
    public void Class_names_mean_and_std_are_recorded()
    {
        var classes = _folder.File("classes.txt");
        File.WriteAllLines(classes, Enumerable.Range(0, 10).Select(i => $"thing {i}"));
        var target = _folder.File("a.h5");
        var run = CliRun.Of("convert", Fixtures.Path("alexnet-narrow.pth"), "--out", target, "--classes", classes,
            "--mean", "0.5,0.5,0.5", "--std", "0.2,0.3,0.4");
        Assert.Equal(0, run.ExitCode);
        var info = WeightsFile.Read(target).Info;
        Assert.Equal("thing 7", info.Classes![7]);
        Assert.Equal([0.2f, 0.3f, 0.4f], info.Std);
    }

    [Fact]
    public void A_file_that_is_no_checkpoint_is_refused_and_leaves_nothing()
    {
        var junk = _folder.File("junk.pth");
        File.WriteAllBytes(junk, new byte[100]);
        CliRun.Of("convert", junk, "--out", _folder.File("out.h5")).AssertOneLineError("junk.pth", "not a PyTorch checkpoint");
        Assert.False(File.Exists(_folder.File("out.h5")));
    }

    [Fact]
    public void Tensors_of_no_known_architecture_are_refused()
    {
        CliRun.Of("convert", Fixtures.Path("strided.pth"), "--out", _folder.File("out.h5"))
            .AssertOneLineError("cannot infer the architecture", "vgg16, vgg19, alexnet, mini-vgg");
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void A_graph_family_named_for_another_file_is_refused_and_nothing_is_written()
    {
        CliRun.Of("convert", Fixtures.Path("resnet50-narrow.pth"), "--arch", "densenet121", "--out", _folder.File("out.h5"))
            .AssertOneLineError("not the layout of densenet121 but of resnet");
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void A_layout_that_is_not_the_named_architecture_is_refused()
    {
        CliRun.Of("convert", Fixtures.Path("vgg16-narrow.pth"), "--arch", "vgg19", "--out", _folder.File("out.h5"))
            .AssertOneLineError("not the layout of vgg19");
        Assert.Empty(Directory.GetFiles(_folder.Path));
    }

    [Fact]
    public void A_wrong_number_of_class_names_is_refused()
    {
        var classes = _folder.File("classes.txt");
        File.WriteAllLines(classes, ["a", "b"]);
        CliRun.Of("convert", Fixtures.Path("alexnet-narrow.pth"), "--out", _folder.File("out.h5"), "--classes", classes)
            .AssertOneLineError("10 classes but 2 class names");
        Assert.False(File.Exists(_folder.File("out.h5")));
    }

    [Fact]
    public void The_output_never_overwrites_the_input()
    {
        var copy = _folder.File("w.pth");
        File.Copy(Fixtures.Path("alexnet-narrow.pth"), copy);
        var before = File.ReadAllBytes(copy);
        CliRun.Of("convert", copy, "--out", copy).AssertOneLineError("overwrite the input");
        Assert.Equal(before, File.ReadAllBytes(copy));
    }

    [Fact]
    public void A_bad_mean_is_one_line()
    {
        CliRun.Of("convert", Fixtures.Path("alexnet-narrow.pth"), "--out", _folder.File("o.h5"), "--mean", "0.5,x")
            .AssertOneLineError("--mean '0.5,x'");
    }

    public void Dispose() => _folder.Dispose();
}
