using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Steps;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>The device-side loop on a small random network: objectives move where they should.</summary>
public sealed class ImageOptimizerTests(DeviceFixture fixture)
{
    [Fact]
    public void Maximizing_a_logit_per_item_makes_it_the_largest()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        int[] shape = [2, 1, 28, 28];
        var logits = network.Resolve("logits");
        int[] classes = [3, 7];
        using var optimizer = new ImageOptimizer(network, shape,
            [MaskObjective.Logits(fixture.Device, logits, network.OutputShapes(2, 28, 28)[logits.Index], classes)],
            [new L2PenaltyHook(1e-3f), new GradientDescent(0.5f)]);
        optimizer.Image.Fill(0f);
        var before = optimizer.Evaluate(logits);
        var progress = new List<Progress>();
        optimizer.Run(40, 10, new Random(1), progress.Add);
        var after = optimizer.Evaluate(logits);

        Assert.Equal([10, 20, 30, 40], progress.Select(p => p.Step));
        for (var n = 0; n < 2; n++)
        {
            var row = after.Skip(n * 10).Take(10).ToArray();
            Assert.True(row[classes[n]] > before[n * 10 + classes[n]] + 1, $"item {n}: logit {before[n * 10 + classes[n]]} -> {row[classes[n]]}");
            Assert.Equal(classes[n], Array.IndexOf(row, row.Max()));
        }
        Assert.True(progress[^1].Loss[0] < progress[0].Loss[0]);
    }

    [Fact]
    public void Matching_features_drives_the_relative_loss_down()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        int[] shape = [1, 1, 28, 28];
        var layer = network.Resolve("relu2_1");
        var original = Enumerable.Range(0, 28 * 28).Select(i => (float)Math.Sin(i * 0.37)).ToArray();
        DeepVis.Kernels.Runtime.Tensor target;
        using (var probe = new Workspace(network, shape, layer))
        {
            probe.Input.CopyFrom(original);
            probe.Forward();
            target = new DeepVis.Kernels.Runtime.Tensor(fixture.Device, [.. probe.Output.Shape]);
            probe.Output.CopyTo(target);
        }
        using var optimizer = new ImageOptimizer(network, shape, [new FeatureMatchObjective(layer, target)], [new GradientDescent(20f)]);
        optimizer.Image.Fill(0f);
        var losses = new List<float>();
        optimizer.Run(60, 10, new Random(1), p => losses.Add(p.Loss[0]));
        Assert.True(losses[^1] < 0.5f * losses[0], $"loss {losses[0]} -> {losses[^1]}");
    }

    /// <summary>
    /// The last loss read comes from the forward pass before the last update, so an image that only the
    /// last update makes non-finite is caught when the run ends, naming the image and the step.
    /// </summary>
    [Fact]
    public void An_image_made_non_finite_by_the_last_update_ends_the_run()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        int[] shape = [2, 1, 28, 28];
        var logits = network.Resolve("logits");
        using var optimizer = new ImageOptimizer(network, shape,
            [MaskObjective.Logits(fixture.Device, logits, network.OutputShapes(2, 28, 28)[logits.Index], [3, 7])],
            [new GradientDescent(0.5f), new PoisonAtStep(5)]);
        optimizer.Image.Fill(0f);
        var progress = new List<Progress>();
        var error = Assert.Throws<DivergedException>(() => optimizer.Run(5, 5, new Random(1), progress.Add));
        Assert.True(float.IsFinite(progress.Single().Loss[0]), "the loss read at the last step was still finite");
        Assert.Equal("image 1 became NaN at step 5: the optimization diverged (a learning rate or step size too large for this model?)", error.Message);
    }

    /// <summary>Writes NaN into the last pixel of the batch after the update of one step.</summary>
    private sealed class PoisonAtStep(int step) : IStepHook
    {
        public void AfterUpdate(StepContext c)
        {
            if (c.Step + 1 != step) return;
            var pixels = c.Image.ToArray();
            pixels[^1] = float.NaN;
            c.Image.CopyFrom(pixels);
        }
    }
}
