using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

public sealed class ClassCommandTests : IDisposable
{
    private const string Quick = "0.5:3:1:0.5,1:3:0.6:0.3";

    private readonly TestWeights.TempFolder _folder = new();

    private string Weights(bool names = true)
    {
        var file = TestWeights.MiniVgg();
        var path = _folder.File(names ? "mini.h5" : "unnamed.h5");
        (names ? file : new WeightsFile(file.Info with { Classes = null }, file.Tensors)).Write(path);
        return path;
    }

    private CliRun Class(params string[] args) =>
        CliRun.Of(["class", "--weights", Weights(), "--device", "cpu", "--out", _folder.File("out"), .. args]);

    private string[] Written() => Directory.Exists(_folder.File("out"))
        ? [.. Directory.GetFiles(_folder.File("out")).Select(Path.GetFileName).Order()!]
        : [];

    [Fact]
    public void Writes_one_png_per_class_and_prints_logit_and_probability()
    {
        var run = Class("--class", "class 2", "--class", "7", "--octaves", Quick, "--save-every", "3", "--bilateral", "--tv-denoise");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(
        [
            "class-2-class-2-octave1-step00003.png", "class-2-class-2-octave2-step00003.png", "class-2-class-2.png",
            "class-7-class-7-octave1-step00003.png", "class-7-class-7-octave2-step00003.png", "class-7-class-7.png",
        ], Written());
        var lines = run.Output.Split('\n').Where(l => l.StartsWith("class ")).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Matches(@"^class 2 'class 2': logit -?\d+\.\d{3}, probability \d\.\d{4}", lines[0]);
        Assert.Contains("class-7-class-7.png", lines[1]);
        using var png = File.OpenRead(_folder.File("out/class-2-class-2.png"));
        var image = TestImages.Read(png, 3);
        Assert.Equal((28, 28), (image.Width, image.Height));
    }

    [Fact]
    public void A_model_without_class_names_takes_indexes_and_names_files_by_index()
    {
        var run = CliRun.Of("class", "--weights", Weights(names: false), "--device", "cpu", "--out", _folder.File("out"),
            "--class", "4", "--iterations", "2", "--size", "20", "--quiet");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["class-4.png"], Written());
        Assert.StartsWith("class 4: logit", run.Output);
    }

    [Fact]
    public void A_class_name_on_a_model_without_names_is_one_line()
    {
        CliRun.Of("class", "--weights", Weights(names: false), "--device", "cpu", "--out", _folder.File("out"), "--class", "coat")
            .AssertOneLineError("class 'coat': the model has no class names; give an index 0 to 9");
    }

    [Theory]
    [InlineData(new[] { "--class", "klass 3" }, "unknown class 'klass 3'; closest: 3 'class 3'")]
    [InlineData(new[] { "--class", "clas" }, "class 'clas' is ambiguous: it matches 0 'class 0', 1 'class 1'")]
    [InlineData(new[] { "--class", "10" }, "class index 10 is out of range: the model has 10 classes, 0 to 9")]
    [InlineData(new[] { "--class", "1", "--class", "class 1" }, "class 1 'class 1' is given twice")]
    [InlineData(new[] { "--class", "1", "--background", "255,0" }, "--background: '255,0': expected R,G,B with each 0 to 255")]
    [InlineData(new[] { "--class", "1", "--background", "255,0,256" }, "--background: '255,0,256'")]
    [InlineData(new[] { "--class", "1", "--octaves", "1:10:1" }, "--octaves entry 1 '1:10:1': expected scale:iterations:start_sigma:end_sigma")]
    [InlineData(new[] { "--class", "1", "--octaves", "1:10:1:0.3", "--iterations", "5" }, "give --octaves or --iterations, not both")]
    [InlineData(new[] { "--class", "1", "--iterations", "0" }, "--iterations must be a whole number from 1 to 100000, got '0'")]
    [InlineData(new[] { "--class", "1", "--step-size", "-1" }, "--step-size must be a number above 0 and at most 100, got '-1'")]
    [InlineData(new[] { "--class", "1", "--learning-rate", "0" }, "--step-size must be a number above 0 and at most 100, got '0'")]
    [InlineData(new[] { "--class", "1", "--l2", "-0.5" }, "--l2 must be a number of at least 0, got '-0.5'")]
    [InlineData(new[] { "--class", "1", "--jitter", "-1" }, "--jitter must be a whole number from 0 to 64, got '-1'")]
    [InlineData(new[] { "--class", "1", "--size", "0" }, "--size must be a whole number from 1 to 4096, got '0'")]
    [InlineData(new[] { "--class", "1", "--size", "3" }, "octave 1 (scale 0.5) makes a 2x2 image, too small for mini-vgg")]
    [InlineData(new[] { "--class", "1", "--size", "4096", "--octaves", "4:1:0.5:0.5" }, "octave 1 (scale 4) makes a 16384x16384 image, above the largest side 4096")]
    [InlineData(new[] { "--class", "1", "--bilateral", "--bilateral-every", "0" }, "--bilateral-every must be a whole number from 1 to 100000, got '0'")]
    [InlineData(new[] { "--class", "1", "--bilateral", "--bilateral-sigma-range", "0" }, "--bilateral-sigma-range must be a number above 0, got '0'")]
    [InlineData(new[] { "--class", "1", "--bilateral-sigma-space", "2" }, "--bilateral-sigma-space needs --bilateral")]
    [InlineData(new[] { "--class", "1", "--tv-denoise", "--tv-denoise-weight", "-0.1" }, "--tv-denoise-weight must be a number above 0, got '-0.1'")]
    [InlineData(new[] { "--class", "1", "--tv-denoise-every", "5" }, "--tv-denoise-every needs --tv-denoise")]
    public void Bad_input_is_one_line_and_writes_nothing(string[] args, string expected)
    {
        Class(args).AssertOneLineError(expected);
        Assert.Empty(Written());
    }

    [Fact]
    public void A_missing_json_schedule_is_one_line()
    {
        Class("--class", "1", "--octaves", _folder.File("none.json")).AssertOneLineError($"octave schedule file '{_folder.File("none.json")}' does not exist");
    }

    [Fact]
    public void An_output_folder_that_is_a_file_is_one_line_and_the_file_is_kept()
    {
        var file = _folder.File("taken");
        File.WriteAllText(file, "keep");
        CliRun.Of("class", "--weights", Weights(), "--device", "cpu", "--out", file, "--class", "1")
            .AssertOneLineError($"output folder '{file}' cannot be created");
        Assert.Equal("keep", File.ReadAllText(file));
    }

    public void Dispose() => _folder.Dispose();
}
