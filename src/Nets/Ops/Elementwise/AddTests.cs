using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;
using AddOp = DeepVis.Ops.Add;

namespace DeepVis.Tests.Layers;

public abstract class AddTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : AddTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : AddTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var (a, b) = (Uniform(Count(shape)), Uniform(Count(shape)));
        var y = Poisoned(shape);
        AddOp.Forward(Upload(a, shape), Upload(b, shape), y);
        // One float rounding of the exact sum: the reference rounded to float is the answer.
        AssertClose(Array.ConvertAll(AddReference.Forward(ToDouble(a), ToDouble(b)), v => (double)(float)v), y.ToArray(), 0, "add forward");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Forward_in_place_matches_reference(bool intoFirst)
    {
        var shape = RandomShape();
        var (a, b) = (Uniform(Count(shape)), Uniform(Count(shape)));
        var (ta, tb) = (Upload(a, shape), Upload(b, shape));
        var y = intoFirst ? ta : tb;
        AddOp.Forward(ta, tb, y);
        AssertClose(AddReference.Forward(ToDouble(a), ToDouble(b)), y.ToArray(), 1e-7, $"add forward into {(intoFirst ? "a" : "b")}");
    }

    [Fact]
    public void Forward_of_a_tensor_with_itself_into_itself_doubles_it()
    {
        var shape = RandomShape();
        var a = Uniform(Count(shape));
        var t = Upload(a, shape);
        AddOp.Forward(t, t, t);
        AssertClose(AddReference.Forward(ToDouble(a), ToDouble(a)), t.ToArray(), 0, "a + a into a");
    }

    [Fact]
    public void Accumulate_matches_reference_and_sums_in_order()
    {
        var shape = RandomShape();
        var (g1, g2, g3) = (Uniform(Count(shape)), Uniform(Count(shape)), Uniform(Count(shape)));
        var target = Upload(g1, shape);
        AddOp.Accumulate(Upload(g2, shape), target);
        AddOp.Accumulate(Upload(g3, shape), target);
        var expected = new double[g1.Length];
        for (var i = 0; i < g1.Length; i++) expected[i] = (float)((float)(g1[i] + g2[i]) + g3[i]);
        AssertClose(expected, target.ToArray(), 0, "gradient accumulation (g1 + g2) + g3");
    }

    [Fact]
    public void Forward_and_accumulate_match_reference_on_large_tensors()
    {
        // More elements than one CPU chunk, and a tail that is not a multiple of the vector width.
        int[] shape = [3, 5, 47, 53];
        var (a, b) = (Uniform(Count(shape)), Uniform(Count(shape)));
        var y = Poisoned(shape);
        var tb = Upload(b, shape);
        AddOp.Forward(Upload(a, shape), tb, y);
        var sum = AddReference.Forward(ToDouble(a), ToDouble(b));
        AssertClose(sum, y.ToArray(), 1e-7, "add forward on a large tensor");
        AddOp.Accumulate(y, tb);
        AssertClose(AddReference.Forward(sum, ToDouble(b)), tb.ToArray(), 1e-6, "accumulate on a large tensor");
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var a = Upload(Uniform(2 * 3 * 4 * 5), 2, 3, 4, 5);
        var ex = Assert.Throws<ShapeException>(() => AddOp.Forward(a, Poisoned(2, 3, 5, 4), Poisoned(2, 3, 4, 5)));
        Assert.Contains("second operand", ex.Message);
        Assert.Contains("[2, 3, 4, 5]", ex.Message);
        Assert.Contains("[2, 3, 5, 4]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => AddOp.Forward(a, a, Poisoned(1, 3, 4, 5)));
        Assert.Contains("output", ex.Message);
        Assert.Contains("[1, 3, 4, 5]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => AddOp.Accumulate(a, Poisoned(2, 60)));
        Assert.Contains("accumulator", ex.Message);
        Assert.Contains("[2, 3, 4, 5]", ex.Message);
        Assert.Contains("[2, 60]", ex.Message);
    }
}
