using System.Diagnostics;
using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;

namespace DeepVis.Tests.Fuzz;

/// <summary>
/// A seeded mutation fuzzer over every kind of file DeepVis reads, driving the command line as a user
/// would (<c>convert</c>, <c>layers</c>, <c>probe</c> in-process). For every input the run must end in
/// exit 0 with nothing on stderr, or exit 2 with exactly one error line: never another exception,
/// never longer than <see cref="PerInput"/>, never growing the working set by more than <see cref="MaxMemory"/>
/// (sampled every few milliseconds: what the input costs in memory; PureHDF may reserve arrays as large
/// as a corrupt header claims and touch only what the file holds, which a count of allocated bytes
/// would take for gigabytes).
/// The budget is <see cref="DefaultSeconds"/> seconds over all formats; DEEPVIS_FUZZ_SECONDS raises it,
/// DEEPVIS_FUZZ_SEED changes the seed, DEEPVIS_FUZZ_FORMAT and DEEPVIS_FUZZ_CASE replay one case (all
/// printed on failure).
/// </summary>
public sealed class FuzzTests : IDisposable
{
    public const int DefaultSeconds = 100;
    public const int DefaultSeed = 20_261_207;
    public static readonly TimeSpan PerInput = TimeSpan.FromSeconds(30);
    public const long MaxMemory = 1L << 30;

    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    public static TheoryData<string> Formats => ["pth-zip", "pth-legacy", "onnx", "deepvis-h5", "keras-h5", "image"];

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Every_mutated_input_is_a_result_or_one_line(string format)
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("DEEPVIS_FUZZ_SEED"), out var s) ? s : DefaultSeed;
        var seconds = double.TryParse(Environment.GetEnvironmentVariable("DEEPVIS_FUZZ_SECONDS"), out var b) ? b : DefaultSeconds;
        int? only = int.TryParse(Environment.GetEnvironmentVariable("DEEPVIS_FUZZ_CASE"), out var c) ? c : null;
        Assert.SkipWhen(Environment.GetEnvironmentVariable("DEEPVIS_FUZZ_FORMAT") is { } chosen && chosen != format, "DEEPVIS_FUZZ_FORMAT names another format");
        var budget = TimeSpan.FromSeconds(seconds / Formats.Count);
        var seeds = Seeds(format);
        var salt = format.Aggregate(17, (h, ch) => unchecked(h * 31 + ch)); // string.GetHashCode differs per process
        var extension = Extension(format);
        MakeTraps();

        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        var cases = 0;
        for (var i = only ?? 0; only is null ? watch.Elapsed < budget || cases < 5 : i == only; i++, cases++)
        {
            var random = new Random(unchecked(seed * 1_000_003 + salt * 7_919 + i));
            var source = seeds[random.Next(seeds.Count)];
            var bytes = new Mutator(random).Mutate(source, seeds, format.StartsWith("pth"), format == "onnx", out var what);
            var input = _folder.File($"case{extension}");
            File.WriteAllBytes(input, bytes);
            var replay = $"{format} case {i} (DEEPVIS_FUZZ_FORMAT={format} DEEPVIS_FUZZ_SEED={seed} DEEPVIS_FUZZ_CASE={i}): {what}";
            if (Environment.GetEnvironmentVariable("DEEPVIS_FUZZ_TRACE") == "1") TestContext.Current.SendDiagnosticMessage(replay);
            GC.Collect();
            var before = Environment.WorkingSet;
            var peak = before;
            using var done = new CancellationTokenSource();
            var sampler = Task.Run(async () =>
            {
                while (!done.IsCancellationRequested)
                {
                    peak = Math.Max(peak, Environment.WorkingSet);
                    await Task.Delay(5, CancellationToken.None);
                }
            }, CancellationToken.None);
            var run = Task.Run(() => Run(format, input), TestContext.Current.CancellationToken);
            try
            {
                var problem = await run.WaitAsync(PerInput, TestContext.Current.CancellationToken);
                await done.CancelAsync();
                await sampler;
                if (problem is not null) Fail(problem);
                else if (peak - before > MaxMemory) Fail($"the working set grew by {peak - before:N0} bytes, more than {MaxMemory:N0}");
            }
            catch (TimeoutException)
            {
                Fail($"still running after {PerInput.TotalSeconds} s");
                break; // the hung run still holds the files
            }
            catch (Exception e)
            {
                Fail(Describe(e));
            }
            finally
            {
                await done.CancelAsync();
            }

            void Fail(string problem)
            {
                failures.Add($"{replay}: {problem}");
                File.Copy(input, Path.Combine(Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "deepvis-fuzz-failures")).FullName,
                    $"{format}-{seed}-{i}{extension}"), overwrite: true);
            }
        }
        var output = TestContext.Current.TestOutputHelper;
        output?.WriteLine($"{format}: {cases} inputs in {watch.Elapsed.TotalSeconds:F0} s, seed {seed}; {failures.Count} failures");
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} {format} inputs failed (failing inputs copied to {Path.GetTempPath()}deepvis-fuzz-failures):\n" + string.Join("\n", failures.Take(20)));
    }

    /// <summary>Runs the verbs a user would on the file; returns what is wrong with how they ended, or null.</summary>
    private string? Run(string format, string input)
    {
        var converted = _folder.File("converted.h5");
        if (File.Exists(converted)) File.Delete(converted);
        CliRun run = format switch
        {
            "pth-zip" or "pth-legacy" or "keras-h5" => CliRun.Of("convert", input, "--out", converted, "--force"),
            "onnx" or "deepvis-h5" => CliRun.Of("layers", "--weights", input),
            _ => CliRun.Of("probe", "--weights", _folder.MiniVgg(), "--image", input, "--layer", "conv1_1", "--out", _folder.File("probe.h5")),
        };
        if (Ended(run) is { } problem) return problem;
        return run.ExitCode == 0 && File.Exists(converted) ? Ended(CliRun.Of("layers", "--weights", converted)) : null;
    }

    private static string? Ended(CliRun run)
    {
        if (run.ExitCode == 0) return run.Error.Length == 0 ? null : $"exit 0 with errors: {run.Error}";
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (run.ExitCode != 2 || lines.Length != 1 || !lines[0].StartsWith("deepvis: error: ") || lines[0].Length > 2100)
            return $"exit {run.ExitCode} with {lines.Length} error lines: {run.Error[..Math.Min(run.Error.Length, 500)]}";
        return lines[0].Any(ch => char.IsControl(ch) && ch != '\r') ? $"control characters in the error: {lines[0]}" : null;
    }

    private static string Describe(Exception e)
    {
        var frame = e.StackTrace?.Split('\n').FirstOrDefault(l => l.Contains("DeepVis.")) ?? e.StackTrace?.Split('\n')[0] ?? "";
        return $"{e.GetType().Name}: {e.Message.Split('\n')[0]} {frame.Trim()}";
    }

    /// <summary>What an ONNX model's external data may be pointed at (<see cref="Mutator.Traps"/>): links out of the folder and a FIFO.</summary>
    private void MakeTraps()
    {
        Directory.CreateSymbolicLink(_folder.File("etc"), "/etc");
        File.CreateSymbolicLink(_folder.File("link-to-passwd"), "/etc/passwd");
        if (OperatingSystem.IsLinux()) Process.Start("mkfifo", [_folder.File("fifo.bin")])!.WaitForExit();
    }

    private static string Extension(string format) => format switch
    {
        "pth-zip" or "pth-legacy" => ".pth",
        "onnx" => ".onnx",
        "image" => ".png",
        _ => ".h5",
    };

    private List<byte[]> Seeds(string format) => format switch
    {
        "pth-zip" => [.. new[] { "squeezenet1_1-narrow.pth", "strided.pth", "resnet18-narrow.pth" }.Select(Read)],
        "pth-legacy" => [.. new[] { "squeezenet1_1-narrow-legacy.pth", "module-legacy.pth", "strided-legacy.pth" }.Select(Read)],
        "onnx" => [.. new[] { "ops-opset13.onnx", "resnet18-narrow-opset13-bn.onnx", "squeezenet1_1-narrow-opset11-bn.onnx" }.Select(Read)],
        "deepvis-h5" => [Written(TestWeights.MiniVgg()), Written(TestWeights.AsymmetricBlock()),
            Written(ModelConverter.Convert(Fixtures.Path("squeezenet1_1-narrow.pth"), new ConvertOptions()))],
        "keras-h5" => [Read("vgg16-narrow-keras.h5")],
        _ => [File.ReadAllBytes(Fixtures.Repo("samples/bag.png")), File.ReadAllBytes(Fixtures.Repo("samples/photos/coffee.png")), Jpeg()],
    };

    private static byte[] Read(string fixture) => File.ReadAllBytes(Fixtures.Path(fixture));

    private byte[] Written(WeightsFile file)
    {
        var path = _folder.File("seed.h5");
        file.Write(path);
        return File.ReadAllBytes(path);
    }

    /// <summary>A JPEG seed: the bag sample re-encoded.</summary>
    private static byte[] Jpeg()
    {
        using var image = SixLabors.ImageSharp.Image.Load(File.ReadAllBytes(Fixtures.Repo("samples/bag.png")));
        using var stream = new MemoryStream();
        image.Save(stream, new SixLabors.ImageSharp.Formats.Jpeg.JpegEncoder { Quality = 90 });
        return stream.ToArray();
    }
}
