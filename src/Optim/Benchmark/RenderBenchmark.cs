using DeepVis.Nets;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Render;

namespace DeepVis.Optim.Benchmark;

/// <summary>
/// Times the render loop itself: <see cref="Renderer"/> with the given settings (parameterization,
/// transforms, update), each step the whole pipeline from the parameters to the update, as
/// <c>deepvis render</c> runs it. The render is set up for warm-up plus timed steps so the transforms
/// drawn for the run cover every timed step; the streamed pass repeats the timed steps.
/// </summary>
public static class RenderBenchmark
{
    public static BenchResult Run(Network network, Objective objective, int batch, RenderSettings settings, int warmup, Random random)
    {
        var timed = settings.Steps;
        var device = network.Device;
        (double MedianMs, double StreamMs) times = default;
        Renderer.Run(network, objective, batch, settings with { Steps = warmup + timed }, random, run: (optimizer, _) =>
            times = StepBenchmark.Time(device, step => optimizer.Step(step, warmup + timed, random), warmup, timed));
        var deepest = objective.Terms.Select(t => network.Resolve(t.Term.Layer).Index).Max();
        return new BenchResult(times.MedianMs, times.StreamMs, batch,
            StepBenchmark.FlopsPerStep(network, batch, settings.Size, deepest), device.PeakBytes);
    }
}
