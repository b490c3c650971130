using System.IO.Compression;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Security;

/// <summary>Model files whose content is wrong rather than hostile to the file system: one line each, never a crash.</summary>
public sealed class HostileModelTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData("negative-dimension.pth", "negative dimension in shape [-4, 1, 3, 3]")]
    [InlineData("tuple-keys.pth", "a tensor's key is a tuple, not a name")]
    [InlineData("shared-storage-overrun.pth", "features.0.bias")]
    public void A_malformed_state_dict_is_one_line(string name, string expected) =>
        CliRun.Of("convert", Fixtures.Path($"hostile/{name}"), "--out", _folder.File("out.h5")).AssertOneLineError(name, expected);

    /// <summary>The fixture's two tensors are views of one arange(40): the weight its first 36 values, the bias the last 4.</summary>
    [Fact]
    public void Two_views_of_one_storage_read_as_PyTorch_reads_them()
    {
        var tensors = DeepVis.WeightsConverter.TorchStateDict.Read(Fixtures.Path("hostile/shared-storage.pth"));
        Assert.Equal(Enumerable.Range(0, 36).Select(i => (float)i), tensors.Single(t => t.Name == "features.0.weight").Data);
        Assert.Equal([4, 1, 3, 3], tensors.Single(t => t.Name == "features.0.weight").Shape);
        Assert.Equal([36f, 37f, 38f, 39f], tensors.Single(t => t.Name == "features.0.bias").Data);
    }

    [Fact]
    public void A_NaN_weight_is_refused_at_load_naming_the_tensor()
    {
        var file = TestWeights.MiniVgg();
        file.Find("features.5.weight")!.Data[7] = float.NaN;
        var path = _folder.File("nan.h5");
        file.Write(path);
        CliRun.Of("layers", "--weights", path).AssertOneLineError("'features.5.weight' holds NaN at element 7", "finite");
        file.Find("features.5.weight")!.Data[7] = float.PositiveInfinity;
        using var device = Device.Open("cpu");
        Assert.Contains("holds Infinity at element 7", Assert.Throws<WeightsException>(() => Network.Build(device, file)).Message);
    }

    [Fact]
    public void Convert_refuses_a_checkpoint_with_an_infinite_weight()
    {
        var source = _folder.File("inf.pth");
        File.Copy(Fixtures.Path("squeezenet1_1-narrow.pth"), source);
        using (var zip = ZipFile.Open(source, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry("squeezenet1_1-narrow/data/0")!;
            var bytes = new byte[entry.Length];
            using (var read = entry.Open()) read.ReadExactly(bytes);
            BitConverter.GetBytes(float.NegativeInfinity).CopyTo(bytes, 8);
            entry.Delete();
            using var write = zip.CreateEntry("squeezenet1_1-narrow/data/0", CompressionLevel.NoCompression).Open();
            write.Write(bytes);
        }
        CliRun.Of("convert", source, "--out", _folder.File("out.h5")).AssertOneLineError("holds -Infinity at element 2");
        Assert.False(File.Exists(_folder.File("out.h5")));
    }

    [Theory]
    [InlineData(0, "input_channels is 0, expected 1..1024")]
    [InlineData(1, "mean has 1 values (0.5), expected 3")]
    [InlineData(2, "input_range is NaN")]
    [InlineData(3, "input_range is 0")]
    [InlineData(4, "default_size is 50000, expected 1..4096")]
    [InlineData(5, "std has 3 values (0.25, 0, 0.25), expected 3 positive")]
    public void A_model_description_out_of_range_is_refused_when_read(int mistake, string expected)
    {
        var block = TestWeights.AsymmetricBlock();
        var info = mistake switch
        {
            0 => block.Info with { InputChannels = 0 },
            1 => block.Info with { Mean = [0.5f] },
            2 => block.Info with { InputRange = float.NaN },
            3 => block.Info with { InputRange = 0 },
            4 => block.Info with { DefaultSize = 50_000 },
            _ => block.Info with { Std = [0.25f, 0, 0.25f] },
        };
        var path = _folder.File("bad.h5");
        new WeightsFile(info, block.Tensors).Write(path);
        CliRun.Of("layers", "--weights", path).AssertOneLineError("bad.h5", expected);
    }

    [Fact]
    public void A_run_whose_objective_stops_being_a_number_ends_with_one_line()
    {
        var output = _folder.File("out");
        CliRun.Of("invert", Fixtures.Repo("samples/bag.png"), "--layer", "conv2_1", "--learning-rate", "100", "--optimizer", "momentum",
            "--alpha-norm-weight", "1", "--alpha", "32",
            "--iterations", "20", "--device", "cpu", "--quiet", "--out", output).AssertOneLineError("became NaN", "diverged");
        Assert.Empty(Directory.GetFiles(output));
    }

    [Fact]
    public void A_ten_megabyte_name_is_refused_before_writing_and_a_huge_alias_is_written()
    {
        var huge = new string('n', 10_000_000);
        var file = TestWeights.MiniVgg();
        var renamed = new WeightsFile(file.Info, [.. file.Tensors.Select(t => t.Name == "features.0.weight" ? t with { Name = huge + ".weight" } : t)]);
        var error = Assert.Throws<WeightsException>(() => renamed.Write(_folder.File("named.h5")));
        Assert.InRange(error.Message.Length, 10, 400);
        Assert.Empty(Directory.GetFiles(_folder.Path));
        var block = TestWeights.AsymmetricBlock();
        GraphNode[] nodes =
        [
            new("main", "Conv", [Network.InputName], [huge], new Dictionary<string, double[]> { ["kernel"] = [3, 3], ["stride"] = [2, 2], ["pads"] = [1, 1, 0, 0] }),
        ];
        var aliased = _folder.File("aliased.h5");
        new WeightsFile(block.Info with { Graph = StoredGraph.Serialize(nodes) }, [.. block.Tensors.Where(t => t.Name.StartsWith("main."))]).Write(aliased);
        Assert.Equal([huge], StoredGraph.Parse(WeightsFile.Read(aliased).Info.Graph!, "block")[0].Aliases);
    }

    [Theory]
    [InlineData("[null]")]
    [InlineData("[{\"address\": null, \"op\": \"Relu\", \"inputs\": [\"input\"]}]")]
    [InlineData("[{\"address\": \"r\", \"op\": \"Relu\", \"inputs\": [null]}]")]
    [InlineData("[{\"address\": \"r\", \"op\": null, \"inputs\": [\"input\"]}]")]
    public void A_null_in_the_stored_graph_is_one_line(string graph)
    {
        var path = _folder.File("null.h5");
        var block = TestWeights.AsymmetricBlock();
        new WeightsFile(block.Info with { Graph = graph }, []).Write(path);
        CliRun.Of("layers", "--weights", path).AssertOneLineError("node 0 of the stored graph is null or lacks");
    }
}
