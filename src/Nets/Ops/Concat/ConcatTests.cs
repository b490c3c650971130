using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class ConcatTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ConcatTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ConcatTests(fixture, Implementation.Ilgpu);

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary><paramref name="count"/> shapes with one random N, H, W (odd sizes, batch &gt; 1) and random channel counts.</summary>
    private List<int[]> RandomShapes(int count)
    {
        var (n, h, w) = (Between(2, 3), Between(1, 9), Between(1, 9));
        return Enumerable.Range(0, count).Select(_ => new[] { n, Between(1, 5), h, w }).ToList();
    }

    private static int[] Joined(List<int[]> shapes) => [shapes[0][0], shapes.Sum(s => s[1]), shapes[0][2], shapes[0][3]];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void Forward_matches_reference(int count)
    {
        var shapes = RandomShapes(count);
        var xs = shapes.Select(s => Uniform(Count(s))).ToList();
        var outShape = Joined(shapes);
        Assert.Equal(outShape, Concat.OutputShape(shapes.Select(s => (IReadOnlyList<int>)s).ToList()));
        var y = Poisoned(outShape);
        Concat.Forward(xs.Select((x, k) => Upload(x, shapes[k])).ToList(), y);
        AssertClose(ConcatReference.Forward(xs.Select(ToDouble).ToList(), shapes), y.ToArray(), 0,
            $"concat forward of {string.Join(", ", shapes.Select(Tensor.Format))}");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Backward_matches_reference_and_is_the_adjoint(int count)
    {
        var shapes = RandomShapes(count);
        var outShape = Joined(shapes);
        var xs = shapes.Select(s => Uniform(Count(s))).ToList();
        var dy = Uniform(Count(outShape));
        var y = Poisoned(outShape);
        var dxs = shapes.Select(s => Poisoned(s)).ToList();
        Concat.Forward(xs.Select((x, k) => Upload(x, shapes[k])).ToList(), y);
        Concat.BackwardInput(Upload(dy, outShape), dxs);
        var what = $"concat backward of {string.Join(", ", shapes.Select(Tensor.Format))}";
        var expected = ConcatReference.BackwardInput(ToDouble(dy), shapes);
        var gradients = dxs.Select(d => d.ToArray()).ToList();
        for (var k = 0; k < count; k++) AssertClose(expected[k], gradients[k], 0, $"{what}, input {k}");
        AssertAdjoint([.. xs.SelectMany(x => x)], y.ToArray(), dy, [.. gradients.SelectMany(g => g)], what);
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var shapes = RandomShapes(3);
        var outShape = Joined(shapes);
        var lengths = shapes.Select(Count).ToArray();
        var x = Uniform(lengths.Sum());
        var dy = Uniform(Count(outShape));
        var dxs = shapes.Select(s => Poisoned(s)).ToList();
        Concat.BackwardInput(Upload(dy, outShape), dxs);
        // The inputs laid end to end as one vector.
        double[] Forward(double[] v)
        {
            var parts = new List<double[]>();
            var start = 0;
            foreach (var length in lengths)
            {
                parts.Add(v[start..(start + length)]);
                start += length;
            }
            return ConcatReference.Forward(parts, shapes);
        }
        AssertGradient(Forward, ToDouble(x), ToDouble(dy), [.. dxs.SelectMany(d => d.ToArray())], "concat backward");
    }

    [Fact]
    public void Forward_and_backward_match_reference_on_large_inputs()
    {
        // GoogLeNet-like branches: enough items and inputs for the CPU copies to spread over threads.
        List<int[]> shapes = [[3, 16, 28, 28], [3, 32, 28, 28], [3, 8, 28, 28], [3, 8, 28, 28]];
        var outShape = Joined(shapes);
        var xs = shapes.Select(s => Uniform(Count(s))).ToList();
        var dy = Uniform(Count(outShape));
        var y = Poisoned(outShape);
        var dxs = shapes.Select(s => Poisoned(s)).ToList();
        Concat.Forward(xs.Select((x, k) => Upload(x, shapes[k])).ToList(), y);
        Concat.BackwardInput(Upload(dy, outShape), dxs);
        AssertClose(ConcatReference.Forward(xs.Select(ToDouble).ToList(), shapes), y.ToArray(), 0, "concat forward, large");
        var expected = ConcatReference.BackwardInput(ToDouble(dy), shapes);
        for (var k = 0; k < shapes.Count; k++) AssertClose(expected[k], dxs[k].ToArray(), 0, $"concat backward, large, input {k}");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var a = Upload(Uniform(2 * 3 * 4 * 5), 2, 3, 4, 5);
        var b = Upload(Uniform(2 * 2 * 4 * 6), 2, 2, 4, 6);
        var ex = Assert.Throws<ShapeException>(() => Concat.Forward([a, b], Poisoned(2, 5, 4, 5)));
        Assert.Contains("input 1", ex.Message);
        Assert.Contains("[2, 2, 4, 6]", ex.Message);
        Assert.Contains("[2, 3, 4, 5]", ex.Message);

        var c = Upload(Uniform(2 * 2 * 4 * 5), 2, 2, 4, 5);
        ex = Assert.Throws<ShapeException>(() => Concat.Forward([a, c], Poisoned(2, 6, 4, 5)));
        Assert.Contains("output", ex.Message);
        Assert.Contains("[2, 5, 4, 5]", ex.Message);
        Assert.Contains("[2, 6, 4, 5]", ex.Message);
        Assert.Contains("3 + 2", ex.Message);

        ex = Assert.Throws<ShapeException>(() => Concat.BackwardInput(Poisoned(2, 5, 4, 5), [a, Poisoned(1, 2, 4, 5)]));
        Assert.Contains("input 1", ex.Message);
        Assert.Contains("[1, 2, 4, 5]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => Concat.BackwardInput(Poisoned(2, 4, 4, 5), [a, c]));
        Assert.Contains("output gradient", ex.Message);
        Assert.Contains("[2, 4, 4, 5]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => Concat.Forward([Upload(Uniform(6), 2, 3)], Poisoned(2, 3)));
        Assert.Contains("[2, 3]", ex.Message);

        Assert.Throws<ArgumentException>(() => Concat.Forward([], Poisoned(2, 3, 4, 5)));
    }
}
