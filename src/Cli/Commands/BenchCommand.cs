using System.CommandLine;
using DeepVis.Cli.Bench;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Zoo;
using DeepVis.Optim.Benchmark;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis bench</c>: times the visualization step (forward to the logits, backward to the input
/// for one class, normalized step, clamp) on a device, optionally checked first against PyTorch.
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
        var command = new Command("bench", "Time the optimization step on a device (ms/step, image-steps/s, TFLOP/s, peak memory).")
        {
            arch, size, batch, steps, warmup, classIndex, check, tolerance, seed, threads, device,
        };
        command.SetAction(result =>
        {
            var (n, timed, warm) = (result.GetValue(batch), result.GetValue(steps), result.GetValue(warmup));
            var checkPath = result.GetValue(check);
            var reference = checkPath is null ? null : ReferenceFile.Read(checkPath);
            var weights = reference?.Weights ?? RandomWeights.Create(result.GetValue(arch)!.ToLowerInvariant(), result.GetValue(seed));
            var side = result.GetValue(size) ?? weights.Info.DefaultSize;
            using var dev = Device.Open(result.GetValue(device));
            if (result.GetValue(threads) is { } count)
            {
                if (!dev.RunsOnHost) throw new UserException($"--threads applies to the cpu device, not {dev.Spec}");
                dev.HostThreads = count;
            }
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
            output.WriteLine($"{weights.Info.Arch}, batch {n}, {side}x{side}, {timed} steps after {warm} warm-up");
            output.WriteLine($"  {bench.MedianMs:F2} ms/step (median, each step synchronized); {bench.StreamMs:F2} ms/step streamed");
            output.WriteLine($"  {bench.ImageStepsPerSecond:F1} image-steps/s");
            output.WriteLine($"  {bench.FlopsPerStep / 1e9:F2} GFLOP/step (conv + linear, forward + input backward): {bench.Tflops:F3} TFLOP/s ({bench.Tflops * 1000:F1} GFLOP/s)");
            output.WriteLine($"  peak device memory {bench.PeakBytes / (1024.0 * 1024):F1} MiB (DeepVis tensors: weights, activations, gradients)");
            return 0;
        });
        return command;
    }
}
