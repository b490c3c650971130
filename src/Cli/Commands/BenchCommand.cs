using System.CommandLine;
using DeepVis.Cli.Bench;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Zoo;
using DeepVis.Optim;
using DeepVis.Optim.Benchmark;
using DeepVis.Optim.Objectives;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis bench</c>: times the visualization step (forward to the logits, backward to the input
/// for one class, normalized step, clamp) on a device, optionally checked first against PyTorch; with
/// <c>--render</c>, the render loop itself (parameterization, transforms, objective, Adam).
/// </summary>
public static class BenchCommand
{
    public static Command Create(TextWriter output)
    {
        var arch = OptionFactory.Choice("--arch", "architecture with seeded random weights", "vgg16", [.. RandomWeights.Names]);
        var size = OptionFactory.OptionalInt("--size", "input height and width (default: the model's, 224 for the ImageNet models)", 1, Limits.MaxSize);
        var batch = OptionFactory.Int("--batch", "images per step", 1, Limits.MaxBatch, 1);
        var steps = OptionFactory.Int("--steps", "timed steps", 1, Limits.MaxSteps, 50);
        var warmup = OptionFactory.Int("--warmup", "untimed steps first", 0, Limits.MaxSteps, 10);
        var classIndex = OptionFactory.Int("--class", "the class logit maximized", 0, Limits.MaxChannel, 0);
        var check = new Option<string?>("--check") { Description = "reference file from bench/pytorch_step.py: compare logits and input gradient first, and time its weights" };
        var tolerance = OptionFactory.Float("--tolerance", "largest relative error --check accepts", NumberRange.Positive(1), 1e-3f);
        var seed = new Option<int>("--seed") { Description = "seed of the random weights and start image", DefaultValueFactory = _ => 0 };
        var threads = OptionFactory.OptionalInt("--threads", $"threads of the cpu device (default: {Device.ThreadsVariable}, else every core)", 1, Limits.MaxCount);
        var device = App.DeviceOption();
        var renderMode = new Option<bool>("--render")
        {
            Description = "time the render loop (deepvis render's steps: parameterization, transforms, --objective, update) instead of the class step",
        };
        var objectiveOption = OptionFactory.Parsed("--objective", "with --render: what the render maximizes, e.g. layer3:12", "EXPRESSION", ObjectiveParser.Parse);
        var weightsOption = new Option<string?>("--weights")
        {
            Description = "with --render: weights as deepvis render takes them (default: --arch's random weights if given, else the embedded model)",
        };
        var render = new RenderOptions();
        var command = new Command("bench", "Time the optimization step or the render loop on a device (ms/step, image-steps/s, TFLOP/s, peak memory).")
        {
            arch, size, batch, steps, warmup, classIndex, check, tolerance, seed, threads, device, renderMode, objectiveOption, weightsOption,
        };
        render.AddTo(command);
        command.SetAction(result =>
        {
            var (n, timed, warm) = (result.GetValue(batch), result.GetValue(steps), result.GetValue(warmup));
            if (result.GetValue(renderMode)) return RunRender(result, output, n, timed, warm);
            if (result.GetValue(objectiveOption) is not null || result.GetValue(weightsOption) is not null || render.Given(result))
                throw new UserException("--objective, --weights, --param, --decorrelate, --range and --transforms apply with --render only");
            var checkPath = result.GetValue(check);
            var reference = checkPath is null ? null : ReferenceFile.Read(checkPath);
            var weights = reference?.Weights ?? RandomWeights.Create(result.GetValue(arch)!.ToLowerInvariant(), result.GetValue(seed));
            var side = result.GetValue(size) ?? weights.Info.DefaultSize;
            using var dev = OpenDevice(result);
            using var network = Network.Build(dev, weights);
            var cls = result.GetValue(classIndex);
            var classes = network.OutputShapes(1, side, side)[network.Resolve("logits").Index][1];
            if (cls >= classes) throw new UserException($"--class {cls} is out of range: {weights.Info.Arch} has {classes} classes (0..{classes - 1})");
            output.WriteLine($"device: {dev.Name}");
            if (reference is not null)
            {
                var errors = ReferenceCheck.Run(network, reference.Input, reference.Shape, reference.ClassIndex, reference.Logits, reference.Gradient);
                var ok = errors.Within(result.GetValue(tolerance));
                output.WriteLine($"check against {checkPath} (batch {reference.Shape[0]}, {reference.Shape[2]}x{reference.Shape[3]}): " +
                    $"logits relative error {errors.LogitError:E2} (max), input gradient {errors.GradientError:E2} (L2): {(ok ? "ok" : "FAILED")}");
                if (!ok) throw new UserException($"check failed: relative errors above the tolerance {result.GetValue(tolerance):G3}");
            }
            var bench = StepBenchmark.Run(network, new BenchSettings(n, side, timed, warm, 1f, cls), new Random(result.GetValue(seed)));
            Report(output, $"{weights.Info.Arch}, batch {n}, {side}x{side}, {timed} steps after {warm} warm-up", bench);
            return 0;
        });

        Device OpenDevice(ParseResult result)
        {
            var dev = Device.Open(result.GetValue(device));
            if (result.GetValue(threads) is { } count)
            {
                if (!dev.RunsOnHost)
                {
                    var spec = dev.Spec;
                    dev.Dispose();
                    throw new UserException($"--threads applies to the cpu device, not {spec}");
                }
                dev.HostThreads = count;
            }
            return dev;
        }

        int RunRender(ParseResult result, TextWriter output, int n, int timed, int warm)
        {
            if (result.GetValue(check) is not null) throw new UserException("--check compares the class step with PyTorch's; it does not apply with --render");
            var objective = result.GetValue(objectiveOption) ?? throw new UserException("--render needs --objective, e.g. --objective layer3:12");
            using var dev = OpenDevice(result);
            var weightsArg = result.GetValue(weightsOption);
            using var network = weightsArg is null && result.GetResult(arch) is { Implicit: false }
                ? Network.Build(dev, RandomWeights.Create(result.GetValue(arch)!.ToLowerInvariant(), result.GetValue(seed)))
                : Model.OpenNetwork(dev, weightsArg, output);
            var side = result.GetValue(size) ?? network.Info.DefaultSize;
            var minimum = InputSize.Minimum(network, [.. objective.Terms.Select(t => network.Resolve(t.Term.Layer)).DistinctBy(l => l.Index)]);
            if (side < minimum) throw new UserException($"--size {side} is too small for this {network.Info.Arch}: it needs at least {minimum}");
            var settings = render.Settings(result, side, timed, network.Info.InputChannels);
            output.WriteLine($"device: {dev.Name}");
            var bench = RenderBenchmark.Run(network, objective, n, settings, warm, new Random(result.GetValue(seed)));
            Report(output, $"{network.Info.Arch} render {objective} ({settings.Recipe}), batch {n}, {side}x{side}, {timed} steps after {warm} warm-up", bench);
            return 0;
        }
        return command;
    }

    private static void Report(TextWriter output, string title, BenchResult bench)
    {
        output.WriteLine(title);
        output.WriteLine($"  {bench.MedianMs:F2} ms/step (median, each step synchronized); {bench.StreamMs:F2} ms/step streamed");
        output.WriteLine($"  {bench.ImageStepsPerSecond:F1} image-steps/s");
        output.WriteLine($"  {bench.FlopsPerStep / 1e9:F2} GFLOP/step (conv + linear, forward + input backward): {bench.Tflops:F3} TFLOP/s ({bench.Tflops * 1000:F1} GFLOP/s)");
        output.WriteLine($"  peak device memory {bench.PeakBytes / (1024.0 * 1024):F1} MiB (DeepVis tensors: weights, activations, gradients)");
    }
}
