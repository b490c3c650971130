using DeepVis.Images;
using SixLabors.ImageSharp;
using SixImage = SixLabors.ImageSharp.Image;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

/// <summary>deepvis invert on the random mini-vgg with a few iterations: what it writes and prints, and every bad input as one line.</summary>
public sealed class InvertCommandTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();


    /// <summary>A grey PNG of a bright square on a ramp, offset by <paramref name="shift"/> pixels.</summary>
    private string Png(string name, int width = 20, int height = 16, int shift = 0)
    {
        var path = _folder.File(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var stream = File.Create(path);
        TestImages.WritePng(Square(width, height, shift), width, height, 1, stream);
        return path;
    }

    private static byte[] Square(int width, int height, int shift) =>
        [.. Enumerable.Range(0, width * height).Select(p =>
        {
            var (i, j) = (p / width, p % width - shift);
            return (byte)(i > 3 && i < 11 && j > 4 && j < 13 ? 220 : 30 + 4 * j);
        })];

    private static (int Width, int Height) Size(string png)
    {
        using var stream = File.OpenRead(png);
        var image = TestImages.Read(stream, 1);
        return (image.Width, image.Height);
    }

    /// <summary>Runs invert on the test network with 4 iterations unless the arguments say otherwise.</summary>
    private CliRun Invert(params string[] args) =>
        CliRun.Of(["invert", .. args, "--weights", _folder.MiniVgg(), "--device", "cpu", "--out", _folder.File("out"),
            .. args.Contains("--iterations") ? Array.Empty<string>() : ["--iterations", "4"]]);

    [Fact]
    public void Several_images_run_as_one_batch_at_the_given_size_and_report_their_quality()
    {
        var (a, b) = (Png("a.png"), Png("b.png", shift: 3));
        var run = Invert(a, b, "--layer", "conv1_2", "--size", "24,32", "--verbose");
        Assert.True(run.ExitCode == 0, run.Error);
        foreach (var stem in new[] { "a", "b" })
        {
            var output = _folder.File($"out/{stem}-conv1_2.png");
            Assert.Equal((32, 24), Size(output));
            Assert.Matches($@"{stem}\.png -> .*{stem}-conv1_2\.png: feature loss [0-9.e-]+, psnr [0-9.]+ dB, ssim -?[0-9.]+", run.Output);
        }
        // --verbose: the layer shapes up to conv1_2 for the batch of two, and the loss every 10 steps (here the last, 4).
        Assert.Contains("input [2, 1, 24, 32]", run.Output);
        Assert.Matches(@"1 features\.1 +relu1_1 +\[2, 4, 24, 32\]", run.Output);
        Assert.DoesNotContain("features.5", run.Output);
        Assert.Matches(@"invert conv1_2: step 4/4  loss [0-9.e-]+ [0-9.e-]+", run.Output);
    }

    [Fact]
    public void A_folder_of_frames_is_a_movie_written_as_numbered_frames()
    {
        foreach (var f in new[] { 1, 2, 3 }) Png($"clip/{f:D2}.png", shift: f);
        File.WriteAllText(_folder.File("clip/notes.txt"), "not a frame");
        var run = Invert(_folder.File("clip"), "--layer", "relu1_1", "--warm-iterations", "2");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(["frame-00001.png", "frame-00002.png", "frame-00003.png"],
            Directory.GetFiles(_folder.File("out/clip-relu1_1")).Select(Path.GetFileName).Order());
        Assert.Equal((28, 28), Size(_folder.File("out/clip-relu1_1/frame-00003.png")));
        Assert.Contains("03.png -> ", run.Output);
    }

    /// <summary>An animated grey GIF of the square moving right, one frame per shift.</summary>
    private string Gif(string name, params int[] shifts)
    {
        var path = _folder.File(name);
        GifFile.Write([.. shifts.Select(shift => new PlanarImage(1, 16, 20, [.. Square(20, 16, shift).Select(b => b / 255f)]))], 5, path);
        return path;
    }

    [Fact]
    public void An_animated_gif_is_a_movie_written_as_numbered_frames_and_a_gif_with_its_coherence()
    {
        var run = Invert(Gif("wave.gif", 0, 4), "--layer", "0", "--warm-iterations", "1", "--no-blur");
        Assert.True(run.ExitCode == 0, run.Error);
        var frames = Directory.GetFiles(_folder.File("out/wave-conv1_1")).Order().ToArray();
        Assert.Equal(["frame-00001.png", "frame-00002.png"], frames.Select(Path.GetFileName));
        Assert.Contains("wave.gif frame 2 -> ", run.Output);
        Assert.Matches(@"wave\.gif: temporal coherence \(mean \|change\| between frames, pixels 0\.\.1\) [0-9.]+, original [0-9.]+, ratio [0-9.]+", run.Output);
        // The GIF out holds the numbered frames, pixel for pixel (a grey frame fits a GIF palette), at the input's rate.
        using var gif = SixImage.Load<SixLabors.ImageSharp.PixelFormats.Rgb24>(_folder.File("out/wave-conv1_1.gif"));
        Assert.Equal((28, 28, 2), (gif.Width, gif.Height, gif.Frames.Count));
        Assert.Equal(20, gif.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay);
        for (var f = 0; f < 2; f++)
        {
            var pixels = new SixLabors.ImageSharp.PixelFormats.Rgb24[28 * 28];
            gif.Frames[f].CopyPixelDataTo(pixels);
            using var stream = File.OpenRead(frames[f]);
            var png = TestImages.Read(stream, 1).Data;
            var differences = png.Zip(pixels).Select(p => Math.Abs(p.First - p.Second.R)).ToList();
            Assert.True(differences.All(d => d == 0), $"frame {f + 1} of the GIF differs from its PNG at {differences.Count(d => d > 0)} pixels, by up to {differences.Max()}");
        }
    }

    [Fact]
    public void Movie_out_writes_a_folder_of_frames_as_a_gif()
    {
        foreach (var f in new[] { 1, 2, 3 }) Png($"clip/{f:D2}.png", shift: f);
        var run = Invert(_folder.File("clip"), "--layer", "relu1_1", "--warm-iterations", "2", "--movie-out", _folder.File("clip.gif"));
        Assert.True(run.ExitCode == 0, run.Error);
        using var gif = SixImage.Load(_folder.File("clip.gif"));
        Assert.Equal(3, gif.Frames.Count);
    }

    [Theory]
    [InlineData("movie.avi", "unknown movie kind '.avi'; expected .gif or .mp4")]
    [InlineData("movie.mp4", "needs ffmpeg on PATH")]
    public void A_movie_file_that_cannot_be_written_is_one_line_and_nothing_is_written(string name, string message)
    {
        var gif = Gif("wave.gif", 0, 4);
        WithoutFfmpeg(() => Invert(gif, "--layer", "conv1_1", "--movie-out", _folder.File(name)).AssertOneLineError("--movie-out", message));
        Assert.False(Directory.Exists(_folder.File("out")) && Directory.EnumerateFileSystemEntries(_folder.File("out")).Any());
    }

    [Fact]
    public void An_mp4_without_ffmpeg_is_one_line()
    {
        var mp4 = _folder.File("clip.mp4");
        File.WriteAllBytes(mp4, [0, 0, 0, 24, .. "ftypmp42"u8.ToArray()]);
        WithoutFfmpeg(() => Invert(mp4, "--layer", "conv1_1").AssertOneLineError("reading", "clip.mp4", "needs ffmpeg on PATH"));
    }

    [Fact]
    public void An_mp4_in_gives_an_mp4_out_with_ffmpeg()
    {
        Assert.SkipWhen(Ffmpeg.Find() is null, "ffmpeg is not on PATH");
        foreach (var f in new[] { 1, 2, 3 }) Png($"clip/{f:D2}.png", shift: f);
        var first = Invert(_folder.File("clip"), "--layer", "relu1_1", "--movie-out", _folder.File("clip.mp4"));
        Assert.True(first.ExitCode == 0, first.Error);
        var run = Invert(_folder.File("clip.mp4"), "--layer", "relu1_1");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(3, Directory.GetFiles(_folder.File("out/clip-relu1_1")).Length);
        Assert.True(new FileInfo(_folder.File("out/clip-relu1_1.mp4")).Length > 0);
    }

    /// <summary>Five frames of 4096x4096 are 80 megapixels: refused after ffmpeg extracted the frames the budget allows plus one.</summary>
    [Fact]
    public void An_mp4_of_more_pixels_than_the_budget_is_one_line()
    {
        Assert.SkipWhen(Ffmpeg.Find() is null, "ffmpeg is not on PATH");
        var mp4 = _folder.File("long.mp4");
        var make = System.Diagnostics.Process.Start("ffmpeg", ["-v", "error", "-f", "lavfi", "-i", "color=c=gray:s=4096x4096:r=10:d=0.5",
            "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", mp4])!;
        make.WaitForExit();
        Assert.True(make.ExitCode == 0 && File.Exists(mp4), "ffmpeg made the test video");
        Invert(mp4, "--layer", "conv1_1").AssertOneLineError("long.mp4", "more than 4 frames of 4096x4096 pixels", "64 megapixels");
    }

    [Fact]
    public void An_mp4_ffmpeg_cannot_decode_is_one_line()
    {
        Assert.SkipWhen(Ffmpeg.Find() is null, "ffmpeg is not on PATH");
        var mp4 = _folder.File("broken.mp4");
        File.WriteAllBytes(mp4, [0, 0, 0, 24, .. "ftypmp42"u8.ToArray(), .. Enumerable.Range(0, 64).Select(i => (byte)(i * 37))]);
        Invert(mp4, "--layer", "conv1_1").AssertOneLineError("broken.mp4", "cannot be read", "ffmpeg");
        Assert.False(Directory.Exists(_folder.File("out")) && Directory.EnumerateFileSystemEntries(_folder.File("out")).Any());
    }

    [Fact]
    public void Movie_out_without_exactly_one_movie_is_one_line() =>
        Invert(Png("a.png"), "--layer", "conv1_1", "--movie-out", _folder.File("a.gif")).AssertOneLineError("--movie-out needs exactly one movie", "got 0");

    [Fact]
    public void Frames_of_different_sizes_are_one_line()
    {
        Png("clip/1.png");
        Png("clip/2.png", width: 24);
        Invert(_folder.File("clip"), "--layer", "conv1_1").AssertOneLineError("movie", "clip", "frame 2 is 24x16, frame 1 20x16", "same size");
        Assert.False(Directory.Exists(_folder.File("out")) && Directory.EnumerateFileSystemEntries(_folder.File("out")).Any());
    }

    [Fact]
    public void An_unreadable_gif_is_one_line()
    {
        var garbage = _folder.File("garbage.gif");
        File.WriteAllBytes(garbage, [.. "GIF89a"u8.ToArray(), .. Enumerable.Range(0, 50).Select(i => (byte)(i * 37))]);
        Invert(garbage, "--layer", "conv1_1").AssertOneLineError("garbage.gif", "cannot be read");
        Assert.False(Directory.Exists(_folder.File("out")) && Directory.EnumerateFileSystemEntries(_folder.File("out")).Any());
    }

    /// <summary>Runs with PATH emptied, so that ffmpeg is missing whether or not this machine has it (tests run one at a time).</summary>
    private static void WithoutFfmpeg(Action test)
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        Environment.SetEnvironmentVariable("PATH", "");
        try
        {
            test();
        }
        finally
        {
            Environment.SetEnvironmentVariable("PATH", path);
        }
    }

    [Fact]
    public void The_blur_preset_writes_and_prints_what_invert_did_before_presets()
    {
        // Fixtures/invert-blur: the output of the same command before presets existed (its README has the command).
        var folder = _folder.File("out");
        var run = CliRun.Of("invert", Fixtures.Repo("samples/sneaker.png"), Fixtures.Repo("samples/trouser.png"), "--layer", "relu1_2", "--iterations", "40", "--seed", "7",
            "--device", "cpu", "--out", folder, "--quiet", "--preset", "blur");
        Assert.True(run.ExitCode == 0, run.Error);
        // Pixels, not file bytes: the PNG encoder is not what wrote the fixture.
        foreach (var name in new[] { "sneaker-relu1_2.png", "trouser-relu1_2.png" })
        {
            var (expected, actual) = (TestImages.Read(Fixtures.Path($"invert-blur/{name}"), 3), TestImages.Read(Path.Combine(folder, name), 3));
            Assert.Equal((expected.Width, expected.Height), (actual.Width, actual.Height));
            // Within a level or two: the convolutions' arithmetic (Winograd, blocking) may round differently
            // than the build that wrote the fixture, and 40 steps carry that into a few pixels.
            var differences = expected.Data.Zip(actual.Data, (e, a) => Math.Abs(e - a)).ToArray();
            Assert.True(differences.Max() <= 2, $"{name}: a pixel differs by {differences.Max()} levels");
            Assert.True(differences.Average() < 0.25, $"{name}: pixels differ by {differences.Average():F3} levels on average");
        }
        var lines = File.ReadAllLines(Fixtures.Path("invert-blur/output.txt")).Select(l => l.Split(" -> ")[1]);
        var printed = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(" -> ")[1].Replace(folder + Path.DirectorySeparatorChar, "")).ToList();
        // The same words, and the same measures to a rounding of the last digit.
        static string Words(string line) => System.Text.RegularExpressions.Regex.Replace(line, @"\d+\.\d+", "#");
        static double[] Numbers(string line) => [.. System.Text.RegularExpressions.Regex.Matches(line, @"\d+\.\d+").Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture))];
        Assert.Equal(lines.Select(Words), printed.Select(Words));
        foreach (var (expected, actual) in lines.Zip(printed))
            Assert.All(Numbers(expected).Zip(Numbers(actual)), pair => Assert.True(Math.Abs(pair.First - pair.Second) <= 0.01 * Math.Max(1, Math.Abs(pair.First)), $"{actual} against {expected}"));
    }

    [Fact]
    public void An_unknown_preset_lists_the_presets() =>
        Invert(Png("a.png"), "--layer", "conv1_1", "--preset", "vivid").AssertOneLineError("--preset: Argument 'vivid' not recognized", "'blur' 'mahendran' 'exact'");

    [Fact]
    public void A_missing_image_is_one_line() =>
        Invert(_folder.File("none.png"), "--layer", "conv1_1").AssertOneLineError("image", "none.png", "does not exist");

    [Fact]
    public void An_unreadable_image_is_one_line()
    {
        var garbage = _folder.File("garbage.png");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 200).Select(i => (byte)(i * 37))]);
        Invert(garbage, "--layer", "conv1_1").AssertOneLineError("garbage.png", "cannot be read");
        Assert.False(File.Exists(_folder.File("out/garbage-conv1_1.png")));
    }

    [Fact]
    public void An_unknown_layer_lists_the_valid_ones() =>
        Invert(Png("a.png"), "--layer", "conv9_9").AssertOneLineError("unknown layer 'conv9_9'", "features.5 (conv2_1/block2_conv1)");

    [Theory]
    [InlineData("--iterations", "0", "--iterations must be a whole number from 1 to 100000, got '0'")]
    [InlineData("--iterations", "2147483647", "--iterations must be a whole number from 1 to 100000, got '2147483647'")]
    [InlineData("--restarts", "100", "--restarts must be a whole number from 1 to 16, got '100'")]
    [InlineData("--coarse-to-fine", "5", "--coarse-to-fine must be a whole number from 1 to 4, got '5'")]
    [InlineData("--grad-std-clip", "-1", "--grad-std-clip must be a number of at least 0, got '-1'")]
    [InlineData("--image-std-clip", "-0.5", "--image-std-clip must be a number of at least 0, got '-0.5'")]
    [InlineData("--learning-rate", "0", "--learning-rate must be a number above 0 and at most 100, got '0'")]
    [InlineData("--alpha", "0.5", "--alpha must be a number from 1 to 32, got '0.5'")]
    [InlineData("--blur", "3:10,4:20", "--blur: expected SIZE:EVERY pairs separated by commas, SIZE odd and 1 to 4096, EVERY 1 to 100000, e.g. 3:10,7:20; got '3:10,4:20'")]
    [InlineData("--blur", "3-10", "--blur: expected SIZE:EVERY pairs")]
    [InlineData("--blur", "57:10", "a 57x57 blur does not fit a 28x28 image")]
    [InlineData("--size", "0,5", "--size must be H or H,W")]
    [InlineData("--size", "100000", "--size must be H or H,W in whole pixels, each 1 to 4096, got '100000'")]
    [InlineData("--schedule", "linear", "--schedule: expected constant, cosine or step:EVERY:FACTOR")]
    [InlineData("--schedule", "step:0:0.1", "EVERY at least 1 and FACTOR above 0 (e.g. step:100:0.1); got 'step:0:0.1'")]
    [InlineData("--momentum", "1.5", "--momentum must be a number of at least 0 and below 1, got '1.5'")]
    public void An_option_out_of_range_is_one_line(string option, string value, string message)
    {
        Invert(Png("a.png"), "--layer", "conv1_1", option, value).AssertOneLineError(message);
        Assert.False(Directory.Exists(_folder.File("out")) && Directory.EnumerateFiles(_folder.File("out")).Any());
    }

    [Fact]
    public void A_size_the_layers_up_to_the_target_cannot_take_is_one_line() =>
        Invert(Png("a.png"), "--layer", "pool2", "--size", "3").AssertOneLineError("input size 3x3 does not fit mini-vgg");

    [Fact]
    public void A_size_the_layers_refuse_is_one_line_naming_the_sizes_that_fit()
    {
        var weights = _folder.File("block.h5");
        TestWeights.AsymmetricBlock().Write(weights);
        CliRun.Of("invert", Png("a.png"), "--weights", weights, "--layer", "block", "--size", "31", "--no-blur", "--out", _folder.File("out"))
            .AssertOneLineError("input size 31x31 does not fit cntk-block up to block", "square sizes that fit: multiples of 2 from 2");
    }

    [Fact]
    public void An_output_folder_that_is_a_file_is_one_line()
    {
        var file = _folder.File("taken");
        File.WriteAllText(file, "a file");
        CliRun.Of("invert", Png("a.png"), "--layer", "conv1_1", "--weights", _folder.MiniVgg(), "--device", "cpu", "--out", file)
            .AssertOneLineError("output folder", "taken");
    }

    [Fact]
    public void A_movie_whose_output_folder_is_a_file_is_one_line()
    {
        foreach (var f in new[] { 1, 2 }) Png($"clip/{f}.png", shift: f);
        Directory.CreateDirectory(_folder.File("out"));
        File.WriteAllText(_folder.File("out/clip-conv1_1"), "a file");
        Invert(_folder.File("clip"), "--layer", "conv1_1").AssertOneLineError("movie output folder", "clip-conv1_1", "cannot be created");
    }

    [Fact]
    public void An_input_in_the_output_path_is_never_overwritten()
    {
        // a.png's result would be out/a-conv1_1.png, which is the second input.
        var (a, second) = (Png("out/a.png"), Png("out/a-conv1_1.png", shift: 2));
        var before = File.ReadAllBytes(second);
        Invert(a, second, "--layer", "conv1_1").AssertOneLineError("also an input");
        Assert.Equal(before, File.ReadAllBytes(second));
    }

    [Fact]
    public void Two_inputs_with_the_same_name_are_one_line() =>
        Invert(Png("x/a.png"), Png("y/a.png"), "--layer", "conv1_1").AssertOneLineError("would both write");

    public void Dispose() => _folder.Dispose();
}
