using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class TransposeTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : TransposeTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : TransposeTests(fixture, Implementation.Ilgpu);

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>The batch first, the other axes in a random order (every one moved where the rank allows).</summary>
    private int[] RandomPerm(int rank)
    {
        int[] perm;
        do perm = [0, .. Enumerable.Range(1, rank - 1).OrderBy(_ => Rng.Next())];
        while (rank > 2 && perm.Select((p, k) => p == k).Count(same => same) > 1);
        return perm;
    }

    private int[] RandomDims(int rank) => [Between(2, 3), .. Enumerable.Range(1, rank - 1).Select(_ => Between(2, 5))];

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public void Forward_and_backward_match_reference_and_are_adjoint(int rank)
    {
        var dims = RandomDims(rank);
        var perm = RandomPerm(rank);
        var shape = Transpose.OutputShape(dims, perm);
        Assert.Equal(perm.Select(p => dims[p]), shape);
        var (x, dy) = (Uniform(Count(dims)), Uniform(Count(dims)));
        var (y, dx) = (Poisoned(shape), Poisoned(dims));
        Transpose.Forward(Upload(x, dims), y, dims, perm);
        Transpose.Backward(Upload(dy, shape), dx, dims, perm);
        var what = $"transpose of {Tensor.Format(dims)} by [{string.Join(", ", perm)}]";
        AssertClose(TransposeReference.Forward(ToDouble(x), dims, perm), y.ToArray(), 0, what);
        var inverse = new int[rank];
        for (var k = 0; k < rank; k++) inverse[perm[k]] = k;
        AssertClose(TransposeReference.Forward(ToDouble(dy), shape, inverse), dx.ToArray(), 0, $"{what}, backward");
        AssertAdjoint(x, y.ToArray(), dy, dx.ToArray(), what);
        AssertGradient(v => TransposeReference.Forward(v, dims, perm), ToDouble(x), ToDouble(dy), dx.ToArray(), $"{what}, backward");
    }

    [Fact]
    public void A_permutation_of_unit_axes_keeps_the_order_and_copies()
    {
        int[] dims = [2, 3, 1, 4];
        int[] perm = [0, 2, 1, 3];
        Assert.True(Transpose.KeepsOrder(dims, perm));
        Assert.False(Transpose.KeepsOrder([2, 3, 2, 4], perm));
        var x = Uniform(Count(dims));
        var y = Poisoned(2, 1, 3, 4);
        Transpose.Forward(Upload(x, dims), y, dims, perm);
        AssertClose(ToDouble(x), y.ToArray(), 0, "transpose moving a unit axis");
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void Channel_shuffle_matches_torch_and_its_backward_is_the_adjoint(int groups)
    {
        int[] shape = [Between(1, 3), groups * Between(1, 4), Between(1, 5), Between(1, 5)];
        var layer = TransposeLayer.ChannelShuffle(groups);
        Assert.Equal(shape, layer.OutputShape(shape));
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(shape)));
        var (xt, y, dx) = (Upload(x, shape), Poisoned(shape), Poisoned(shape));
        layer.Forward(xt, y);
        layer.Backward(xt, y, Upload(dy, shape), dx);
        AssertClose(TransposeReference.ChannelShuffle(ToDouble(x), shape, groups), y.ToArray(), 0, $"channel shuffle of {Tensor.Format(shape)}");
        AssertAdjoint(x, y.ToArray(), dy, dx.ToArray(), "channel shuffle");
    }

    [Fact]
    public void Large_permutation_matches_reference()
    {
        // ConvNeXt's NCHW to NHWC at a size that spreads the CPU rows over threads.
        int[] dims = [2, 48, 28, 28];
        int[] perm = [0, 2, 3, 1];
        var x = Uniform(Count(dims));
        var y = Poisoned(Transpose.OutputShape(dims, perm));
        Transpose.Forward(Upload(x, dims), y, dims, perm);
        AssertClose(TransposeReference.Forward(ToDouble(x), dims, perm), y.ToArray(), 0, "large transpose");
    }

    [Fact]
    public void Rejects_bad_permutations_and_shapes()
    {
        Assert.Contains("moves the batch axis", Assert.Throws<ShapeException>(() => Transpose.OutputShape([2, 3, 4], [1, 0, 2])).Message);
        Assert.Contains("is not a permutation of 3 axes", Assert.Throws<ShapeException>(() => Transpose.OutputShape([2, 3, 4], [0, 1, 1])).Message);
        Assert.Contains("rank 7", Assert.Throws<ShapeException>(() => Transpose.OutputShape([1, 1, 1, 1, 1, 1, 1], [0, 1, 2, 3, 4, 5, 6])).Message);
        var ex = Assert.Throws<ShapeException>(() => Transpose.Forward(Upload(Uniform(24), 2, 3, 4), Poisoned(2, 4, 4), [2, 3, 4], [0, 2, 1]));
        Assert.Contains("must both hold the 24 elements of [2, 3, 4]", ex.Message);
        Assert.Contains("no channel count divisible by 2", Assert.Throws<ShapeException>(() => TransposeLayer.ChannelShuffle(2).OutputShape([1, 3, 4, 4])).Message);
    }
}
