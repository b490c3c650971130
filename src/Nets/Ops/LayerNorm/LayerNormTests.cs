using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class LayerNormTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : LayerNormTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : LayerNormTests(fixture, Implementation.Ilgpu);

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>ConvNeXt's LayerNorm2d (the channels of NCHW), nn.LayerNorm over the last axis, and ONNX's over the last two.</summary>
    [Theory]
    [InlineData(1, 1)]
    [InlineData(3, 1)]
    [InlineData(2, 2)]
    public void Forward_and_backward_match_reference_and_finite_differences(int axis, int count)
    {
        int[] shape = [Between(2, 3), Between(2, 7), Between(1, 6), Between(2, 6)];
        var side = LayerNorm.Side(shape, axis, count);
        var inner = Count(shape[(axis + count)..]);
        var (x, w, b, dy) = (Uniform(Count(shape)), Uniform(side, 0.5, 1.5), Uniform(side), Uniform(Count(shape)));
        var (xt, wt) = (Upload(x, shape), Upload(w, side));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        LayerNorm.Forward(xt, wt, Upload(b, side), y, axis, count, 1e-5f);
        LayerNorm.BackwardInput(xt, wt, Upload(dy, shape), dx, axis, count, 1e-5f);
        var what = $"layer norm of {Tensor.Format(shape)} over axes {axis}..{axis + count - 1}";
        double[] Reference(double[] v) => LayerNormReference.Forward(v, side, inner, ToDouble(w), ToDouble(b), 1e-5);
        AssertClose(Reference(ToDouble(x)), y.ToArray(), 1e-5, what);
        AssertGradient(Reference, ToDouble(x), ToDouble(dy), dx.ToArray(), $"{what}, backward");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Large_inputs_match_reference(int axis)
    {
        // ConvNeXt-Tiny's first stage: 96 channels at 28x28 (both forms), spread over threads on the CPU.
        int[] shape = axis == 1 ? [2, 96, 28, 28] : [2, 28, 28, 96];
        var (x, w, b, dy) = (Uniform(Count(shape)), Uniform(96, 0.5, 1.5), Uniform(96), Uniform(Count(shape)));
        var (y, dx) = (Poisoned(shape), Poisoned(shape));
        var xt = Upload(x, shape);
        LayerNorm.Forward(xt, Upload(w, 96), Upload(b, 96), y, axis, 1, 1e-6f);
        LayerNorm.BackwardInput(xt, Upload(w, 96), Upload(dy, shape), dx, axis, 1, 1e-6f);
        var inner = axis == 1 ? 28 * 28 : 1;
        AssertClose(LayerNormReference.Forward(ToDouble(x), 96, inner, ToDouble(w), ToDouble(b), 1e-6), y.ToArray(), 1e-4, "large layer norm");
        var gradient = dx.ToArray();
        Assert.All(gradient, v => Assert.True(float.IsFinite(v)));
        // Normalizing removes the mean: every position's input gradient sums to zero.
        for (var p = 0; p < 28 * 28; p += 97)
        {
            var sum = Enumerable.Range(0, 96).Sum(c => (double)gradient[axis == 1 ? c * 784 + p : p * 96 + c]);
            Assert.True(Math.Abs(sum) < 1e-3, $"position {p}: the gradient sums to {sum}; {Replay}");
        }
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var x = Upload(Uniform(2 * 3 * 4), 2, 3, 4);
        var ex = Assert.Throws<ShapeException>(() => LayerNorm.Forward(x, Upload(Uniform(4), 4), Upload(Uniform(4), 4), Poisoned(2, 3, 4), 1, 1, 1e-5f));
        Assert.Equal("layer norm weight: expected shape [3], got [4]", ex.Message);
        ex = Assert.Throws<ShapeException>(() => LayerNorm.Forward(x, Upload(Uniform(3), 3), Upload(Uniform(3), 3), Poisoned(2, 3, 4), 2, 2, 1e-5f));
        Assert.Equal("layer norm of [2, 3, 4]: axes 2 to 3 are not axes after the batch", ex.Message);
        ex = Assert.Throws<ShapeException>(() => LayerNorm.BackwardInput(x, Upload(Uniform(3), 3), Upload(Uniform(24), 2, 3, 4), Poisoned(2, 4, 3), 1, 1, 1e-5f));
        Assert.Equal("layer norm input gradient: expected shape [2, 3, 4], got [2, 4, 3]", ex.Message);
    }
}
