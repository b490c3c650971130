using DeepVis.Nets.Weights;
using System.IO.Compression;
using System.Text;
using DeepVis.WeightsConverter;

namespace DeepVis.Tests.Converter;

public sealed class TorchStateDictReaderTests : ConverterFiles
{
    // The architectures of weights-converter/fixtures/make_fixtures.py: conv widths and where the
    // convs sit in features, the classifier's Linear indices, and its input width (channels * 7 * 7).
    private static readonly int[] Vgg16Widths = [4, 4, 8, 8, 16, 16, 16, 32, 32, 32, 32, 32, 32];
    private static readonly int[] Vgg19Widths = [4, 4, 8, 8, 16, 16, 16, 16, 32, 32, 32, 32, 32, 32, 32, 32];

    private static List<(string Name, int[] Shape)> VggLayout(int[] widths)
    {
        var layout = new List<(string, int[])>();
        var (index, channels, inBlock) = (0, 3, 0);
        var blockSizes = widths.Length == 13 ? new[] { 2, 2, 3, 3, 3 } : [2, 2, 4, 4, 4];
        var (block, conv) = (0, 0);
        foreach (var width in widths)
        {
            layout.Add(($"features.{index}.weight", [width, channels, 3, 3]));
            layout.Add(($"features.{index}.bias", [width]));
            channels = width;
            index += 2; // conv, relu
            if (++inBlock == blockSizes[block])
            {
                index++; // max pool
                block++;
                inBlock = 0;
            }
            conv++;
        }
        AddClassifier(layout, channels * 49, [0, 3, 6]);
        return layout;
    }

    private static List<(string Name, int[] Shape)> AlexNetLayout()
    {
        var layout = new List<(string, int[])>
        {
            ("features.0.weight", [4, 3, 11, 11]), ("features.0.bias", [4]),
            ("features.3.weight", [12, 4, 5, 5]), ("features.3.bias", [12]),
            ("features.6.weight", [24, 12, 3, 3]), ("features.6.bias", [24]),
            ("features.8.weight", [16, 24, 3, 3]), ("features.8.bias", [16]),
            ("features.10.weight", [16, 16, 3, 3]), ("features.10.bias", [16]),
        };
        AddClassifier(layout, 16 * 36, [1, 4, 6]);
        return layout;
    }

    private static void AddClassifier(List<(string, int[])> layout, int inputs, int[] indices)
    {
        int[][] shapes = [[32, inputs], [32, 32], [10, 32]];
        for (var i = 0; i < 3; i++)
        {
            layout.Add(($"classifier.{indices[i]}.weight", shapes[i]));
            layout.Add(($"classifier.{indices[i]}.bias", [shapes[i][0]]));
        }
    }

    public static TheoryData<string> Architectures => ["vgg16", "vgg19", "alexnet"];

    private static List<(string Name, int[] Shape)> Layout(string arch) => arch switch
    {
        "vgg16" => VggLayout(Vgg16Widths),
        "vgg19" => VggLayout(Vgg19Widths),
        _ => AlexNetLayout(),
    };

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Zip_checkpoint_has_the_architectures_names_and_shapes_in_order(string arch)
    {
        var tensors = TorchStateDict.Read(Fixture($"{arch}-narrow.pth"));
        AssertLayout(Layout(arch), tensors);
    }

    [Theory]
    [MemberData(nameof(Architectures))]
    public void Legacy_checkpoint_reads_the_same_as_the_zip_one(string arch)
    {
        var zip = TorchStateDict.Read(Fixture($"{arch}-narrow.pth"));
        var legacy = TorchStateDict.Read(Fixture($"{arch}-narrow-legacy.pth"));
        AssertLayout(Layout(arch), legacy);
        for (var i = 0; i < zip.Count; i++)
        {
            Assert.Equal(zip[i].Name, legacy[i].Name);
            Assert.Equal(zip[i].Shape, legacy[i].Shape);
            Assert.Equal(zip[i].Data, legacy[i].Data);
        }
    }

    [Fact]
    public void Weights_are_real_values_not_zeros()
    {
        // Default PyTorch init: conv weights uniform in +-1/sqrt(fan_in), so bounded and not all equal.
        var first = TorchStateDict.Read(Fixture("vgg16-narrow.pth"))[0];
        var bound = 1 / Math.Sqrt(3 * 3 * 3);
        Assert.All(first.Data, v => Assert.InRange(Math.Abs(v), 0, bound + 1e-6));
        Assert.True(first.Data.Distinct().Count() > first.Data.Length / 2, "features.0.weight looks constant");
    }

    [Theory]
    [InlineData("strided.pth")]
    [InlineData("strided-legacy.pth")]
    public void Strided_offset_and_non_float32_tensors_are_copied_out_row_major(string file)
    {
        // weights-converter/fixtures/make_reader_fixtures.py states these values.
        var tensors = TorchStateDict.Read(Fixture(file)).ToDictionary(t => t.Name);
        Assert.Equal(["transposed", "base", "slice", "double", "half", "bfloat", "scalar"], tensors.Keys); // int64 "count" skipped

        Assert.Equal([4, 3], tensors["transposed"].Shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(k => (float)(k % 3 * 4 + k / 3)), tensors["transposed"].Data);
        Assert.Equal([20], tensors["base"].Shape);
        Assert.Equal(Enumerable.Range(0, 20).Select(k => (float)k), tensors["base"].Data);
        Assert.Equal([2, 5], tensors["slice"].Shape);
        Assert.Equal(Enumerable.Range(5, 10).Select(k => (float)k), tensors["slice"].Data);
        Assert.Equal([2, 3], tensors["double"].Shape);
        Assert.Equal(Enumerable.Range(0, 6).Select(k => k / 8f), tensors["double"].Data);
        Assert.Equal(Enumerable.Range(0, 5).Select(k => k * 0.5f), tensors["half"].Data);
        Assert.Equal(Enumerable.Range(0, 4).Select(k => k - 1f), tensors["bfloat"].Data);
        Assert.Empty(tensors["scalar"].Shape);
        Assert.Equal([2.5f], tensors["scalar"].Data);
    }

    [Theory]
    [InlineData("strided.pth")]
    [InlineData("strided-legacy.pth")]
    public void Tensors_sharing_a_storage_get_their_own_arrays(string file)
    {
        var tensors = TorchStateDict.Read(Fixture(file)).ToDictionary(t => t.Name);
        tensors["base"].Data[7] = -1;
        Assert.Equal(7f, tensors["slice"].Data[2]);
    }

    [Fact]
    public void Random_bytes_are_not_a_checkpoint()
    {
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        bytes[0] = 0x42;
        var path = Scratch("random.pth", bytes);
        AssertRefused(path, "not a PyTorch checkpoint (expected a zip archive or a legacy torch.save pickle)");
    }

    [Fact]
    public void Empty_file_is_not_a_checkpoint() =>
        AssertRefused(Scratch("empty.pth", []), "not a PyTorch checkpoint (expected a zip archive or a legacy torch.save pickle)");

    [Fact]
    public void Hdf5_file_is_not_a_checkpoint() =>
        AssertRefused(Fixture("vgg16-narrow-keras.h5"), "not a PyTorch checkpoint");

    [Fact]
    public void Truncated_zip_checkpoint_is_refused()
    {
        var bytes = File.ReadAllBytes(Fixture("vgg16-narrow.pth"));
        AssertRefused(Scratch("half.pth", bytes[..(bytes.Length / 2)]), "truncated or corrupt zip archive (expected a PyTorch zip checkpoint");
    }

    [Fact]
    public void Truncated_legacy_checkpoint_is_refused()
    {
        var bytes = File.ReadAllBytes(Fixture("vgg16-narrow-legacy.pth"));
        AssertRefused(Scratch("half.pth", bytes[..(bytes.Length / 2)]), "truncated file (the legacy torch.save checkpoint ends early)");
    }

    [Fact]
    public void Legacy_checkpoint_cut_inside_its_pickle_is_refused()
    {
        var bytes = File.ReadAllBytes(Fixture("alexnet-narrow-legacy.pth"));
        AssertRefused(Scratch("cut.pth", bytes[..600]), "truncated file");
    }

    [Fact]
    public void Zip_without_data_pkl_is_refused()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            using var writer = new StreamWriter(zip.CreateEntry("archive/version").Open());
            writer.Write("3\n");
        }
        AssertRefused(Scratch("nodata.pth", buffer.ToArray()), "zip archive without data.pkl (expected a PyTorch zip checkpoint)");
    }

    [Fact]
    public void Pickled_module_is_refused_with_its_global_named() =>
        AssertRefused(Fixture("module-legacy.pth"), "unsupported global torch.nn.modules.linear.Linear");

    [Fact]
    public void Arbitrary_global_is_never_resolved()
    {
        // The legacy header pickles, then a main pickle that would call os.system("echo") in Python.
        var pickle = Concat(LegacyHeader(), [0x80, 2], Encoding.ASCII.GetBytes("cos\nsystem\nX\u0004\0\0\0echo\u0085R."));
        var ex = AssertRefused(Scratch("evil.pth", pickle), "unsupported global os.system");
        Assert.Contains("(expected a legacy torch.save checkpoint holding a state dict)", ex.Message);
    }

    [Fact]
    public void Unsupported_opcode_is_named()
    {
        // INT (text-mode protocol 0) is not among the opcodes torch.save writes.
        var pickle = Concat(LegacyHeader(), [0x80, 2], Encoding.ASCII.GetBytes("I42\n."));
        AssertRefused(Scratch("text.pth", pickle), "unsupported pickle opcode INT (0x49) at byte 2");
    }

    [Fact]
    public void Missing_file_is_refused_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "deepvis-no-such-file.pth");
        AssertRefused(path, "cannot open");
    }

    /// <summary>The magic-number, protocol and sys_info pickles of a legacy file.</summary>
    private static byte[] LegacyHeader()
    {
        var bytes = File.ReadAllBytes(Fixture("alexnet-narrow-legacy.pth"));
        return bytes[..137]; // pickletools: the sys_info pickle's STOP is byte 136
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();

    private static WeightsFormatException AssertRefused(string path, string expected)
    {
        var ex = Assert.Throws<WeightsFormatException>(() => TorchStateDict.Read(path));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
        return ex;
    }

    private static void AssertLayout(List<(string Name, int[] Shape)> expected, IReadOnlyList<WeightTensor> actual)
    {
        Assert.Equal(expected.Select(e => e.Name), actual.Select(t => t.Name));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.True(expected[i].Shape.SequenceEqual(actual[i].Shape),
                $"{expected[i].Name}: expected [{string.Join(", ", expected[i].Shape)}], got [{string.Join(", ", actual[i].Shape)}]");
            Assert.Equal(expected[i].Shape.Aggregate(1, (a, b) => a * b), actual[i].Data.Length);
        }
    }
}
