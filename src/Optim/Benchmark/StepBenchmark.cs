using System.Diagnostics;
using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Layers;
using DeepVis.Ops;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Steps;

namespace DeepVis.Optim.Benchmark;

/// <summary>What one benchmark run does: <see cref="Steps"/> timed steps after <see cref="Warmup"/> untimed ones.</summary>
public sealed record BenchSettings(int Batch, int Size, int Steps, int Warmup, float StepSize, int ClassIndex);

/// <summary>
/// Timings of the benchmark step. <see cref="MedianMs"/>: the median of steps each synchronized on
/// its own; <see cref="StreamMs"/>: the mean over all timed steps enqueued back to back with one
/// synchronize at the end (what a long optimization sees).
/// </summary>
public sealed record BenchResult(double MedianMs, double StreamMs, int Batch, double FlopsPerStep, long PeakBytes)
{
    public double ImageStepsPerSecond => Batch * 1000 / MedianMs;
    public double Tflops => FlopsPerStep / (MedianMs * 1e9);
}

/// <summary>
/// The step every visualization repeats, as the PyTorch comparison script does it: forward to the
/// logits, backward to the input for one class logit, a normalized gradient step, a clamp to the
/// valid pixel range. Everything stays on the device; the host only synchronizes around timed steps.
/// </summary>
public static class StepBenchmark
{
    public static BenchResult Run(Network network, BenchSettings settings, Random random)
    {
        var device = network.Device;
        var logits = network.Resolve("logits");
        int[] shape = [settings.Batch, network.Info.InputChannels, settings.Size, settings.Size];
        var outputShape = network.OutputShapes(settings.Batch, settings.Size, settings.Size)[logits.Index];
        if (settings.ClassIndex >= outputShape[1])
            throw new SettingsException($"class {settings.ClassIndex} is beyond the model's {outputShape[1]} classes (0 to {outputShape[1] - 1})");
        using var normalization = new ChannelStats(device, network.Info.Mean, network.Info.Std);
        using var optimizer = new ImageOptimizer(network, shape,
            [MaskObjective.Logits(device, logits, outputShape, Enumerable.Repeat(settings.ClassIndex, settings.Batch).ToArray())],
            [new NormalizedStep(device, settings.Batch, settings.StepSize), new PixelRangeClamp(normalization, network.Info.InputRange)]);
        var noise = new float[optimizer.Image.Length];
        for (var i = 0; i < noise.Length; i++) noise[i] = (float)(random.NextDouble() - 0.5);
        optimizer.Image.CopyFrom(noise);

        var total = settings.Warmup + settings.Steps;
        var (median, streamed) = Time(device, step => optimizer.Step(step, total, random), settings.Warmup, settings.Steps);
        return new BenchResult(median, streamed, settings.Batch,
            FlopsPerStep(network, settings.Batch, settings.Size), device.PeakBytes);
    }

    /// <summary>
    /// Floating-point operations of the convolutions and linear layers (along any axis) up to the logits, forward and
    /// backward to the input: 2 * (output elements) * (fan-in) each way. Pooling, ReLU and the update
    /// are memory-bound and not counted, as is usual for achieved-TFLOP/s figures.
    /// </summary>
    public static double FlopsPerStep(Network network, int batch, int size) =>
        FlopsPerStep(network, batch, size, network.Resolve("logits").Index);

    /// <summary>The same up to layer <paramref name="last"/> (the deepest objective layer of a render).</summary>
    public static double FlopsPerStep(Network network, int batch, int size, int last)
    {
        var shapes = network.OutputShapes(batch, size, size);
        double flops = 0;
        for (var i = 0; i <= last; i++)
        {
            Tensor? weight = network.Layers[i].Layer switch
            {
                Conv2dLayer conv => conv.Weight,
                LinearLayer linear => linear.Weight,
                MatMulLayer matMul => matMul.Weight,
                _ => null,
            };
            if (weight is null) continue;
            var outputs = shapes[i].Aggregate(1.0, (a, b) => a * b);
            flops += 2 * 2 * outputs * (weight.Length / weight.Shape[0]);
        }
        return flops;
    }

    /// <summary>
    /// Runs <paramref name="warmup"/> untimed steps, then <paramref name="steps"/> each synchronized on its
    /// own (their median), then the same steps again enqueued back to back (their mean).
    /// </summary>
    internal static (double MedianMs, double StreamMs) Time(Device device, Action<int> step, int warmup, int steps)
    {
        for (var s = 0; s < warmup; s++) step(s);
        device.Synchronize();
        var times = new double[steps];
        for (var s = 0; s < steps; s++)
        {
            var watch = Stopwatch.StartNew();
            step(warmup + s);
            device.Synchronize();
            times[s] = watch.Elapsed.TotalMilliseconds;
        }
        var stream = Stopwatch.StartNew();
        for (var s = 0; s < steps; s++) step(warmup + s);
        device.Synchronize();
        Array.Sort(times);
        var median = steps % 2 == 1 ? times[steps / 2] : (times[steps / 2 - 1] + times[steps / 2]) / 2;
        return (median, stream.Elapsed.TotalMilliseconds / steps);
    }
}
