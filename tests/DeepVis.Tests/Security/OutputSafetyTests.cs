using DeepVis.Cli;
using DeepVis.Cli.Atlas;
using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Security;

/// <summary>
/// No file outside --out is written, no input is overwritten, nothing the user did not name is
/// replaced or deleted, and a name from a model file never becomes a path of its own.
/// </summary>
public sealed class OutputSafetyTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string Copy(string fixture, string name)
    {
        var path = _folder.File(name);
        File.Copy(Fixtures.Path(fixture), path);
        return path;
    }

    [Fact]
    public void Convert_through_a_link_onto_its_own_target_is_refused_and_the_input_survives()
    {
        var model = Copy("alexnet-narrow.pth", "model.pth");
        var link = _folder.File("link.pth");
        File.CreateSymbolicLink(link, model);
        var before = File.ReadAllBytes(model);
        CliRun.Of("convert", link, "--out", model).AssertOneLineError("is also an input");
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void Convert_onto_a_hard_link_of_its_input_is_refused()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "hard links are compared by inode on Linux");
        var model = Copy("alexnet-narrow.pth", "model.pth");
        var twin = _folder.File("twin.pth");
        var made = System.Diagnostics.Process.Start("ln", [model, twin]);
        made.WaitForExit();
        var before = File.ReadAllBytes(model);
        CliRun.Of("convert", model, "--out", twin).AssertOneLineError("is also an input");
        Assert.Equal(before, File.ReadAllBytes(model));
    }

    [Fact]
    public void A_users_own_partial_file_survives_a_conversion()
    {
        var target = _folder.File("out.h5");
        File.WriteAllText(target + ".partial", "mine");
        Assert.Equal(0, CliRun.Of("convert", Fixtures.Path("alexnet-narrow.pth"), "--out", target).ExitCode);
        Assert.Equal("mine", File.ReadAllText(target + ".partial"));
        Assert.Equal(["out.h5", "out.h5.partial"], Directory.GetFiles(_folder.Path).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void Converts_default_output_is_not_replaced_without_force()
    {
        var source = Copy("alexnet-narrow.pth", "alexnet.pth");
        var standing = _folder.File("alexnet.deepvis.h5");
        File.WriteAllText(standing, "keep");
        CliRun.Of("convert", source).AssertOneLineError("alexnet.deepvis.h5", "already exists", "--force");
        Assert.Equal("keep", File.ReadAllText(standing));
        Assert.Equal(0, CliRun.Of("convert", source, "--force").ExitCode);
        Assert.Equal("alexnet", WeightsFile.Read(standing).Info.Arch);
    }

    [Fact]
    public void A_named_output_is_replaced()
    {
        var target = _folder.File("named.h5");
        File.WriteAllText(target, "old");
        Assert.Equal(0, CliRun.Of("convert", Fixtures.Path("alexnet-narrow.pth"), "--out", target).ExitCode);
        Assert.Equal("alexnet", WeightsFile.Read(target).Info.Arch);
    }

    [Theory]
    [InlineData("missing/dir/x.h5", "does not exist")]
    [InlineData(".", "is a folder")]
    public void Every_output_path_error_of_convert_is_one_line(string output, string expected) =>
        CliRun.Of("convert", Fixtures.Path("alexnet-narrow.pth"), "--out", Path.Combine(_folder.Path, output)).AssertOneLineError(expected);

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void Atlas_into_a_folder_it_cannot_write_is_one_line()
    {
        var site = Directory.CreateDirectory(_folder.File("read-only")).FullName;
        File.SetUnixFileMode(site, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            Assert.SkipWhen(CanWrite(site), "this user writes into read-only folders (root)");
            CliRun.Of("atlas", "--device", "cpu", "--quiet", "--layers", "conv1_1", "--steps", "2", "--out", site).AssertOneLineError("not writable");
        }
        finally
        {
            File.SetUnixFileMode(site, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Atlas_into_a_path_below_a_file_is_one_line()
    {
        File.WriteAllText(_folder.File("plain"), "");
        CliRun.Of("atlas", "--device", "cpu", "--quiet", "--layers", "conv1_1", "--steps", "2", "--out", _folder.File("plain/site"))
            .AssertOneLineError("plain");
    }

    [Fact]
    public void An_atlas_killed_in_its_first_batch_resumes()
    {
        var site = _folder.File("site");
        string[] args = ["atlas", "--device", "cpu", "--layers", "conv1_1", "--channels", "0-3", "--batch", "4", "--steps", "4",
            "--examples", Fixtures.Repo("samples"), "--examples-top", "1", "--out", site];
        // The writer's exception stops the run where a kill would; App reports it as an internal error.
        Assert.Equal(App.InternalErrorExitCode, App.Run(args, new KilledAtFirstProgress(), new StringWriter()));
        Assert.NotNull(AtlasManifest.Find(site));
        var resumed = CliRun.Of([.. args, "--quiet"]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal(4, AtlasManifest.Find(site)!.Channels.Count);
    }

    [Fact]
    public void Invert_names_its_output_after_an_onnx_exports_layer_without_folders()
    {
        var output = _folder.File("out");
        var run = CliRun.Of("invert", Fixtures.Repo("samples/bag.png"), "--weights", Fixtures.Path("resnet18-narrow-opset13-bn.onnx"),
            "--layer", "relu", "--iterations", "2", "--device", "cpu", "--quiet", "--out", output);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["bag-relu_Relu.png"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_layer_alias_that_climbs_out_of_the_folder_stays_inside_it(bool movie)
    {
        var input = Fixtures.Repo("samples/bag.png");
        if (movie)
        {
            input = Directory.CreateDirectory(_folder.File("frames")).FullName;
            for (var f = 0; f < 2; f++) File.Copy(Fixtures.Repo("samples/bag.png"), Path.Combine(input, $"{f}.png"));
        }
        var weights = _folder.File("hostile.h5");
        Climbing().Write(weights);
        var output = Directory.CreateDirectory(_folder.File("deep/er/out")).FullName;
        var run = CliRun.Of("invert", input, "--weights", weights, "--layer", "sum", "--iterations", "1",
            "--device", "cpu", "--quiet", "--out", output);
        Assert.True(run.ExitCode == 0, run.Error);
        var written = Directory.GetFileSystemEntries(_folder.Path, "*", SearchOption.AllDirectories)
            .Where(p => p != weights && !p.StartsWith(output + Path.DirectorySeparatorChar) && !output.StartsWith(p) && !p.StartsWith(input)).ToList();
        Assert.Empty(written);
        Assert.Contains(Directory.GetFileSystemEntries(output), p => Path.GetFileName(p).EndsWith("-escaped.png") || Path.GetFileName(p).EndsWith("-escaped"));
    }

    /// <summary>A small stored graph whose node answers to an alias that climbs three folders up.</summary>
    private static WeightsFile Climbing()
    {
        var block = TestWeights.AsymmetricBlock();
        GraphNode[] nodes =
        [
            new("main", "Conv", [Network.InputName], null, new Dictionary<string, double[]> { ["kernel"] = [3, 3], ["stride"] = [2, 2], ["pads"] = [1, 1, 0, 0] }),
            new("shortcut", "Conv", [Network.InputName], null, new Dictionary<string, double[]> { ["kernel"] = [1, 1], ["stride"] = [2, 2] }),
            new("sum", "Add", ["main", "shortcut"], ["/../../../escaped"]),
        ];
        return new WeightsFile(block.Info with { Graph = StoredGraph.Serialize(nodes) }, block.Tensors);
    }

    private static bool CanWrite(string folder)
    {
        try
        {
            File.WriteAllText(Path.Combine(folder, "probe"), "");
            File.Delete(Path.Combine(folder, "probe"));
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Output that stops the run at its first progress report, as a kill during the first batch would.</summary>
    private sealed class KilledAtFirstProgress : StringWriter
    {
        public override void WriteLine(string? value)
        {
            if (value?.Contains(" loss ") == true) throw new OperationCanceledException("killed");
            base.WriteLine(value);
        }
    }
}
