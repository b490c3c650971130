using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class SliceTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : SliceTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : SliceTests(fixture, Implementation.Ilgpu);

    private static int Count(IEnumerable<int> shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(3, 1)]
    public void Forward_and_backward_match_reference_and_are_adjoint(int axis, int step)
    {
        int[] shape = [Between(2, 3), Between(3, 7), Between(3, 6), Between(3, 6)];
        var start = Between(0, shape[axis] - 2);
        var end = Between(start + 1, shape[axis] + 2);
        var output = Slice.OutputShape(shape, axis, start, end, step, false);
        var x = Uniform(Count(shape));
        var dy = Uniform(Count(output));
        var (y, dx) = (Poisoned(output), Poisoned(shape));
        Slice.Forward(Upload(x, shape), y, axis, start, end, step);
        Slice.Backward(Upload(dy, output), dx, axis, start, end, step);
        var what = $"slice {start}..{end} step {step} of axis {axis} of {Tensor.Format(shape)}";
        AssertClose(SliceReference.Forward(ToDouble(x), shape, axis, start, end, step), y.ToArray(), 0, what);
        AssertAdjoint(x, y.ToArray(), dy, dx.ToArray(), what);
        AssertGradient(v => SliceReference.Forward(v, shape, axis, start, end, step), ToDouble(x), ToDouble(dy), dx.ToArray(), $"{what}, backward");
    }

    [Fact]
    public void Chunks_put_back_together_give_the_input_and_a_squeezed_slice_drops_its_axis()
    {
        // ShuffleNet's x.chunk(2, dim=1): the two halves' gradients add up to dy's whole.
        int[] shape = [2, 8, 5, 3];
        var x = Uniform(Count(shape));
        var (first, second) = (Poisoned(2, 4, 5, 3), Poisoned(2, 4, 5, 3));
        var input = Upload(x, shape);
        Slice.Forward(input, first, 1, 0, 4, 1);
        Slice.Forward(input, second, 1, 4, 8, 1);
        var (a, b) = (first.ToArray(), second.ToArray());
        AssertClose(ToDouble(x), [.. Enumerable.Range(0, 2).SelectMany(n => a.Skip(n * 60).Take(60).Concat(b.Skip(n * 60).Take(60)))], 0, "chunks");
        var layer = new SliceLayer(2, 3, 4, 1, true);
        Assert.Equal([2, 8, 3], layer.OutputShape(shape));
        var row = Poisoned(2, 8, 3);
        layer.Forward(input, row);
        AssertClose(SliceReference.Forward(ToDouble(x), shape, 2, 3, 4, 1), row.ToArray(), 0, "squeezed slice");
    }

    [Fact]
    public void Large_slice_matches_reference()
    {
        int[] shape = [2, 116, 28, 28];
        var x = Uniform(Count(shape));
        var dy = Uniform(Count(shape) / 2);
        var (y, dx) = (Poisoned(2, 58, 28, 28), Poisoned(shape));
        Slice.Forward(Upload(x, shape), y, 1, 58, 116, 1);
        Slice.Backward(Upload(dy, 2, 58, 28, 28), dx, 1, 58, 116, 1);
        AssertClose(SliceReference.Forward(ToDouble(x), shape, 1, 58, 116, 1), y.ToArray(), 0, "large slice");
        AssertAdjoint(x, y.ToArray(), dy, dx.ToArray(), "large slice");
    }

    [Fact]
    public void Rejects_bad_slices_and_shapes()
    {
        Assert.Equal("slice of [2, 3, 4]: axis 0 is not an axis after the batch",
            Assert.Throws<ShapeException>(() => Slice.OutputShape([2, 3, 4], 0, 0, 1, 1, false)).Message);
        Assert.Equal("slice of [2, 3, 4]: positions 3 to 5 step 1 of axis 1 (side 3) take 0, expected at least 1",
            Assert.Throws<ShapeException>(() => Slice.OutputShape([2, 3, 4], 1, 3, 5, 1, false)).Message);
        Assert.Equal("slice of [2, 3, 4]: positions 0 to 2 step 1 of axis 1 (side 3) take 2, expected exactly 1",
            Assert.Throws<ShapeException>(() => Slice.OutputShape([2, 3, 4], 1, 0, 2, 1, true)).Message);
        var ex = Assert.Throws<ShapeException>(() => Slice.Forward(Upload(Uniform(24), 2, 3, 4), Poisoned(2, 2, 3), 1, 0, 2, 1));
        Assert.Equal("slice output: expected the 16 elements of [2, 2, 4], got [2, 2, 3]", ex.Message);
    }
}
