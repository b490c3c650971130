using System.Buffers.Binary;
using System.IO.Compression;
using DeepVis.Cli;
using DeepVis.Cli.Atlas;
using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

/// <summary>
/// The atlas's example pass on the embedded mini-vgg: the top images against a brute-force ranking, the
/// bound on what it keeps, resuming, shards of the images merged, unreadable input, and receptive fields.
/// </summary>
public sealed class ExamplePassTests : IDisposable
{
    private const string FashionMnist = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>An IDX file of <paramref name="count"/> seeded images: smooth blobs at random places, so channels have clear peaks.</summary>
    private string Idx(int count, int seed = 1, int magic = 0x803, int? header = null, bool gzip = false)
    {
        var path = _folder.File($"images-{count}-{seed}-{magic:x}-{header}{(gzip ? ".gz" : "")}");
        var random = new Random(seed);
        var bytes = new byte[16 + count * 28 * 28];
        foreach (var (at, value) in new[] { (0, magic), (4, header ?? count), (8, 28), (12, 28) }) BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(at), value);
        for (var n = 0; n < count; n++)
        {
            var (cy, cx, r) = (random.Next(28), random.Next(28), 2 + random.Next(6));
            for (var y = 0; y < 28; y++)
                for (var x = 0; x < 28; x++)
                    bytes[16 + n * 784 + y * 28 + x] = (byte)Math.Clamp(255 * Math.Exp(-((y - cy) * (y - cy) + (x - cx) * (x - cx)) / (2.0 * r * r)) + random.Next(30), 0, 255);
        }
        using var file = File.Create(path);
        using Stream stream = gzip ? new GZipStream(file, CompressionLevel.Fastest) : file;
        stream.Write(bytes);
        return path;
    }

    /// <summary>conv1_1 channels 0-3 and conv2_1 channels 0-3, two steps each: the rendering is not what these tests are about.</summary>
    private static string[] Atlas(string site, string examples, params string[] extra) =>
        ["atlas", "--device", "cpu", "--quiet", "--layers", "conv1_1", "conv2_1", "--channels", "0-3", "--batch", "4", "--steps", "2",
            "--examples", examples, "--examples-batch", "4", "--out", site, .. extra, .. extra.Contains("--examples-top") ? (string[])[] : ["--examples-top", "3"]];

    private static void Run(params string[] args)
    {
        var run = CliRun.Of(args);
        Assert.True(run.ExitCode == 0, run.Error + run.Output);
    }

    [Fact]
    public void The_top_images_mean_and_histogram_are_those_of_a_brute_force_ranking()
    {
        var images = Idx(30);
        var site = _folder.File("site");
        var weights = _folder.MiniVgg();
        Run(Atlas(site, images, "--examples-top", "5", "--weights", weights));
        var state = ExampleState.Find(site)!;

        // Every image's activations, from the same batches of 4, ranked all at once.
        using var model = DeepVis.Model.Load(weights, "cpu");
        var network = model.Network;
        var source = ExampleSource.Open(images);
        var loaded = source.Read(Enumerable.Range(0, 30), 1).Select(i => i.Image!).ToList();
        foreach (var layer in AtlasManifest.Find(site)!.Layers)
        {
            var node = network.Resolve(layer.Address);
            var all = new List<(int Channel, int Image, float Max, int At, double Sum, int Plane)>();
            for (var first = 0; first < 30; first += 4)
            {
                var batch = loaded.Skip(first).Take(4).ToList();
                using var workspace = new Workspace(network, [batch.Count, 1, 28, 28], node);
                workspace.Input.CopyFrom(NetworkInput.Prepare(network, batch, 28, 28));
                workspace.Forward();
                var output = workspace.OutputOf(node.Index);
                var values = output.ToArray();
                var plane = output.H * output.W;
                for (var n = 0; n < batch.Count; n++)
                    for (var c = layer.First; c <= layer.Last; c++)
                    {
                        var map = values.AsSpan((n * output.C + c) * plane, plane).ToArray();
                        var max = map.Max();
                        all.Add((c, first + n, max, Array.IndexOf(map, max), map.Sum(v => (double)v), plane));
                    }
            }
            foreach (var group in all.GroupBy(a => a.Channel))
            {
                var response = state.Channels.Single(r => r.Layer == layer.Address && r.Channel == group.Key);
                var expected = group.OrderByDescending(a => a.Max).ThenBy(a => a.Image).Take(5).ToList();
                Assert.Equal(expected.Select(e => (e.Image, e.Max)), response.Top.Select(t => (t.Image, t.Activation)));
                var width = layer.Address == "features.0" ? 28 : 14;
                Assert.Equal(expected.Select(e => (e.At / width, e.At % width)), response.Top.Select(t => (t.Y, t.X)));
                Assert.Equal(30, response.Images);
                Assert.Equal(group.Sum(a => a.Sum) / group.Sum(a => (long)a.Plane), response.Mean, 1e-6);
                var histogram = new long[ChannelResponse.Bins];
                foreach (var a in group) histogram[ChannelResponse.Bin(a.Max)]++;
                Assert.Equal(histogram, response.Histogram);
            }
        }
    }

    [Theory]
    [InlineData(0f, 0)]
    [InlineData(-3f, 0)]
    [InlineData(0.001f, 1)]
    [InlineData(0.00390625f, 2)]
    [InlineData(1f, 2 + 4 * 8)]
    [InlineData(1.3f, 2 + 4 * 8 + 1)]
    [InlineData(1.75f, 2 + 4 * 8 + 3)]
    [InlineData(3f, 2 + 4 * 9 + 2)]
    [InlineData(5000f, ChannelResponse.Bins - 1)]
    public void Histogram_bins_are_quarter_octaves_from_the_bits(float value, int bin)
    {
        Assert.Equal(bin, ChannelResponse.Bin(value));
        if (bin is > 1 and < ChannelResponse.Bins - 1)
            Assert.InRange(value, ChannelResponse.LowerEdge(bin), ChannelResponse.LowerEdge(bin + 1));
    }

    [Fact]
    public void What_the_pass_keeps_is_bounded_by_top_images_times_channels_whatever_the_number_of_images()
    {
        var held = new List<(int Retained, int MostImages, long Length)>();
        foreach (var count in new[] { 12, 60 })
        {
            var site = _folder.File($"site{count}");
            Run(Atlas(site, Idx(count), "--examples-shard", "0/1"));
            var plan = AtlasManifest.Find(site)!;
            // The pass again through the library, from nothing, to see what it held.
            using var session = Session.Open("cpu", null, new Random(0), _folder.File($"again{count}"), null, new ProgressDisplay(TextWriter.Null, true), TextWriter.Null);
            Directory.CreateDirectory(session.OutDir);
            var pass = new ExamplePass(session, plan, ExampleSource.Open(Idx(count)));
            var state = ExampleState.Empty(plan.Layers);
            pass.Run(state, pass.Range(null), 100, _ => { }, TestContext.Current.CancellationToken);
            held.Add((state.Retained, pass.MostImagesHeld, new FileInfo(ExampleState.PathIn(session.OutDir)).Length));
            Assert.Equal(File.ReadAllText(ExampleState.PathIn(site)).Replace("\"filesWritten\": true", "\"filesWritten\": false"),
                File.ReadAllText(ExampleState.PathIn(session.OutDir)));
        }
        // 3 images x 8 channels, one batch of 4 images, and a state of the same size for 12 images as for 60.
        Assert.All(held, h => Assert.Equal((24, 4), (h.Retained, h.MostImages)));
        Assert.InRange(held[1].Length, held[0].Length - 400, held[0].Length + 400);
    }

    [Fact]
    public void A_pass_stopped_halfway_resumes_from_its_checkpoint_to_the_uninterrupted_result()
    {
        var images = Idx(40);
        var complete = _folder.File("complete");
        Run(Atlas(complete, images));

        // The same plan, stopped after its third batch of ten (checkpoints every two batches, and one when stopped).
        var interrupted = _folder.File("interrupted");
        Directory.CreateDirectory(interrupted);
        var plan = AtlasManifest.Find(complete)! with { Channels = [] };
        plan.Save(interrupted);
        using (var session = Session.Open("cpu", null, new Random(0), interrupted, null, new ProgressDisplay(TextWriter.Null, true), TextWriter.Null))
        {
            var pass = new ExamplePass(session, plan, ExampleSource.Open(images));
            using var stop = new CancellationTokenSource();
            Assert.Throws<OperationCanceledException>(() =>
                pass.Run(ExampleState.Empty(plan.Layers), pass.Range(null), 2, done => { if (done == 12) stop.Cancel(); }, stop.Token));
        }
        Assert.Equal([new BatchRange(0, 3)], ExampleState.Find(interrupted)!.Covered);

        var run = CliRun.Of(Atlas(interrupted, images));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("3 of 10 batches of 4 already counted, 28 images to go", run.Output);
        AtlasCommandTests.AssertSameFiles(complete, interrupted);
    }

    [Fact]
    public void Shards_of_the_images_merge_into_the_single_runs_state_and_site()
    {
        var images = Idx(37, gzip: true);
        var single = _folder.File("single");
        Run(Atlas(single, images));
        var shards = Enumerable.Range(0, 3).Select(i => _folder.File($"shard{i}")).ToList();
        for (var i = 0; i < 3; i++)
        {
            var run = CliRun.Of(Atlas(shards[i], images, "--examples-shard", $"{i}/3"));
            Assert.True(run.ExitCode == 0, run.Error);
            Assert.Contains($"counted example shard {i}/3", run.Output);
            // A shard of the images renders nothing.
            Assert.Empty(AtlasManifest.Find(shards[i])!.Channels);
        }
        Assert.Equal([[new BatchRange(0, 3)], [new BatchRange(3, 6)], [new BatchRange(6, 10)]], shards.Select(s => ExampleState.Find(s)!.Covered));
        var merged = _folder.File("merged");
        Run("atlas", "merge", shards[2], shards[0], shards[1], "--out", merged);
        Assert.Equal(File.ReadAllText(ExampleState.PathIn(single)).Replace("\"filesWritten\": true", "\"filesWritten\": false"),
            File.ReadAllText(ExampleState.PathIn(merged)));
        // Rendering on the merged folder writes the examples' files and the channels: the single run's site.
        var finish = CliRun.Of(Atlas(merged, images));
        Assert.True(finish.ExitCode == 0, finish.Error);
        Assert.Contains("10 of 10 batches of 4 already counted, 0 images to go", finish.Output);
        AtlasCommandTests.AssertSameFiles(single, merged);
        // Shards of different splits overlap, and would count images twice: refused.
        var half = _folder.File("half");
        Run(Atlas(half, images, "--examples-shard", "0/2"));
        CliRun.Of("atlas", "merge", half, shards[1], "--out", _folder.File("twice")).AssertOneLineError("their example passes overlap");
    }

    [Fact]
    public void Unreadable_images_are_skipped_and_named_once_at_the_end()
    {
        var folder = _folder.File("photos");
        Directory.CreateDirectory(Path.Combine(folder, "b"));
        foreach (var name in new[] { "bag.png", "coat.png", "dress.png" }) File.Copy(Fixtures.Repo($"samples/{name}"), Path.Combine(folder, name));
        File.Copy(Fixtures.Repo("samples/shirt.png"), Path.Combine(folder, "b", "shirt.png"));
        File.WriteAllText(Path.Combine(folder, "broken.png"), "not a png");
        File.WriteAllBytes(Path.Combine(folder, "b", "cut.jpg"), File.ReadAllBytes(Fixtures.Repo("samples/bag.png"))[..40]);
        var site = _folder.File("site");
        var run = CliRun.Of(Atlas(site, folder));
        Assert.True(run.ExitCode == 0, run.Error);
        var line = Assert.Single(run.Output.Split('\n'), l => l.StartsWith("skipped", StringComparison.Ordinal));
        // Sorted by their paths in the folder: b/cut.jpg, b/shirt.png, bag.png, broken.png, coat.png, dress.png.
        Assert.Equal("skipped 2 example images that could not be read: b/cut.jpg, broken.png", line);
        var state = ExampleState.Find(site)!;
        Assert.Equal([0, 3], state.FirstSkipped.Select(s => s.Index));
        Assert.All(state.Channels, c => Assert.Equal(4, c.Images));
        Assert.DoesNotContain(state.Channels.SelectMany(c => c.Top), t => t.Image is 0 or 3);
    }

    [Theory]
    [InlineData(0x801, null, "is not an IDX image file: magic 0x00000801, expected 0x00000803 (unsigned bytes; images, rows, columns); this is a label file")]
    [InlineData(0x803, 50, "says 50 images of 28x28 (39200 bytes after the header) but holds 7840")]
    [InlineData(0x803, 0, "has the shape 0x28x28")]
    public void An_idx_file_of_the_wrong_magic_or_shape_is_one_line(int magic, int? header, string message)
    {
        var site = _folder.File("site");
        CliRun.Of(Atlas(site, Idx(10, magic: magic, header: header))).AssertOneLineError("--examples: ", message);
        Assert.False(Directory.Exists(site));
    }

    [Fact]
    public void The_fashion_mnist_test_set_reads_as_ten_thousand_images_of_28x28()
    {
        Assert.SkipUnless(File.Exists(FashionMnist), "Debian's dataset-fashion-mnist is not installed");
        var source = ExampleSource.Open(FashionMnist);
        Assert.Equal(10000, source.Count);
        Assert.Equal("IDX t10k-images-idx3-ubyte.gz (10000 images of 28x28)", source.Description);
        using var raw = new GZipStream(File.OpenRead(FashionMnist), CompressionMode.Decompress);
        var bytes = new byte[16 + 784 * 3];
        raw.ReadExactly(bytes);
        var read = source.Read([0, 2], 1).ToList();
        Assert.Equal([0, 2], read.Select(r => r.Index));
        Assert.Equal(bytes.AsSpan(16 + 2 * 784, 784).ToArray().Select(b => b / 255f), read[1].Image!.Data);
    }

    [Fact]
    public void Receptive_fields_of_mini_vgg_follow_its_convolutions_and_pools()
    {
        using var model = DeepVis.Model.Load(_folder.MiniVgg(), "cpu");
        var network = model.Network;
        ReceptiveField Of(string layer) => ReceptiveField.Of(network, network.Resolve(layer), 28, 28);
        // 3x3 convolutions with padding 1 add 2 pixels per jump; 2x2 pools of stride 2 add 1 and double the jump, centred between two pixels.
        Assert.Equal(new ReceptiveField(3, 3, 1, 1, 0, 0), Of("conv1_1"));
        Assert.Equal(new ReceptiveField(5, 5, 1, 1, 0, 0), Of("relu1_2"));
        Assert.Equal(new ReceptiveField(6, 6, 2, 2, 0.5, 0.5), Of("pool1"));
        Assert.Equal(new ReceptiveField(10, 10, 2, 2, 0.5, 0.5), Of("conv2_1"));
        Assert.Equal(new ReceptiveField(16, 16, 4, 4, 1.5, 1.5), Of("pool2"));
        // conv2_1's unit (5, 7) reads pool1 rows 4-6, which pool conv1_2 rows 8-13, which read the input's rows 6-15; columns 10-19.
        Assert.Equal((6, 10, 10, 10), Of("conv2_1").Box(5, 7, 28, 28));
        // At the corner the field is cut by the border: rows -4 to 5 of which 0-5 exist.
        Assert.Equal((0, 0, 6, 6), Of("conv2_1").Box(0, 0, 28, 28));
        // The fully-connected layers see the whole image.
        Assert.Equal((0, 0, 28, 28), Of("fc1").Box(0, 0, 28, 28));
    }

    /// <summary>ResNet-18's depth (two BasicBlocks per stage) at two to sixteen channels, zero weights: only the geometry matters here.</summary>
    private static WeightsFile ResNet18Geometry()
    {
        var tensors = new List<WeightTensor>();
        void Conv(string address, int output, int input, int kernel) => tensors.Add(new($"{address}.weight", [output, input, kernel, kernel], new float[output * input * kernel * kernel]));
        void Norm(string address, int channels)
        {
            foreach (var name in new[] { "weight", "bias", "running_mean" }) tensors.Add(new($"{address}.{name}", [channels], new float[channels]));
            tensors.Add(new($"{address}.running_var", [channels], Enumerable.Repeat(1f, channels).ToArray()));
        }
        Conv("conv1", 2, 3, 7);
        Norm("bn1", 2);
        var channels = 2;
        for (var stage = 1; stage <= 4; stage++)
        {
            var width = 1 << stage;
            for (var block = 0; block < 2; block++)
            {
                var p = $"layer{stage}.{block}";
                Conv($"{p}.conv1", width, block == 0 ? channels : width, 3);
                Norm($"{p}.bn1", width);
                Conv($"{p}.conv2", width, width, 3);
                Norm($"{p}.bn2", width);
                if (block == 0 && stage > 1)
                {
                    Conv($"{p}.downsample.0", width, channels, 1);
                    Norm($"{p}.downsample.1", width);
                }
            }
            channels = width;
        }
        tensors.Add(new("fc.weight", [10, channels], new float[10 * channels]));
        tensors.Add(new("fc.bias", [10], new float[10]));
        return new WeightsFile(ModelInfo.TorchvisionImageNet("resnet18", 10, null), tensors);
    }

    [Fact]
    public void Receptive_fields_of_resnet18_stages_are_the_published_ones()
    {
        using var device = DeepVis.Kernels.Runtime.Device.Open("cpu");
        using var network = Network.Build(device, ResNet18Geometry());
        ReceptiveField Of(string layer) => ReceptiveField.Of(network, network.Resolve(layer), 224, 224);
        // conv1 7x7/2 pad 3 (7), maxpool 3x3/2 pad 1 (11, jump 4), then each 3x3 convolution adds 2 jumps (four per stage);
        // a stage's first convolution has stride 2 and doubles the jump.
        Assert.Equal(new ReceptiveField(11, 11, 4, 4, 0, 0), Of("maxpool"));
        Assert.Equal(new ReceptiveField(43, 43, 4, 4, 0, 0), Of("layer1"));
        Assert.Equal(new ReceptiveField(99, 99, 8, 8, 0, 0), Of("layer2"));
        Assert.Equal(new ReceptiveField(211, 211, 16, 16, 0, 0), Of("layer3"));
        Assert.Equal(new ReceptiveField(435, 435, 32, 32, 0, 0), Of("layer4"));
        // The shortcut's 1x1 convolution of stride 2 sees less than the block's two 3x3 ones: the sum takes the wider.
        Assert.Equal(new ReceptiveField(43, 43, 8, 8, 0, 0), Of("layer2.0.downsample"));
        Assert.Equal(new ReceptiveField(67, 67, 8, 8, 0, 0), Of("layer2.0"));
        Assert.Equal((0, 0, 224, 224), Of("layer4").Box(3, 3, 224, 224));
        // Unit (11, 13) of layer2 is centred on pixel (88, 104): 49 pixels either side.
        Assert.Equal((39, 55, 99, 99), Of("layer2").Box(11, 13, 224, 224));
    }
}
