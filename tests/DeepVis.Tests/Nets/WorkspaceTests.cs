using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>The graph workspace: only what the targets need, and gradients of several objectives summed.</summary>
public sealed class WorkspaceTests(DeviceFixture fixture)
{
    [Fact]
    public void Objectives_at_two_nodes_give_the_sum_of_their_input_gradients()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        int[] shape = [2, 1, 28, 28];
        var x = new float[2 * 28 * 28];
        var random = new Random(3);
        for (var i = 0; i < x.Length; i++) x[i] = (float)random.NextDouble();
        NetworkLayer early = network.Resolve("relu1_2"), late = network.Resolve("logits");

        float[] Single(NetworkLayer layer)
        {
            using var w = new Workspace(network, shape, layer);
            w.Input.CopyFrom(x);
            w.Forward();
            w.Output.CopyTo(w.OutputGradient);
            w.Backward();
            return w.InputGradient.ToArray();
        }

        using var both = new Workspace(network, shape, [early, late]);
        both.Input.CopyFrom(x);
        both.Forward();
        both.InputGradient.Fill(float.NaN);
        both.Backward((node, gradient) =>
        {
            if (node == early.Index || node == late.Index) Add.Accumulate(both.OutputOf(node), gradient);
        });
        var expected = Single(early).Zip(Single(late), (a, b) => a + b).ToArray();
        RelativeError.AssertBelow(1e-5, expected, both.InputGradient.ToArray(), "summed gradient");
    }

    [Fact]
    public void Only_the_targets_ancestors_get_buffers()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        using var workspace = new Workspace(network, [1, 1, 28, 28], network.Resolve("relu1_2"));
        Assert.Equal(new[] { 1, 4, 28, 28 }, workspace.OutputOf(network.Resolve("conv1_1").Index).Shape);
        var e = Assert.Throws<ArgumentException>(() => workspace.OutputOf(network.Resolve("logits").Index));
        Assert.Contains("classifier.3", e.Message);
    }
}
