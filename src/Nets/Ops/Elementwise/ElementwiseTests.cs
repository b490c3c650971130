using DeepVis.Kernels.Runtime;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class ElementwiseTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ElementwiseTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ElementwiseTests(fixture, Implementation.Ilgpu);

    public static TheoryData<BinaryKind> Kinds => [.. Enum.GetValues<BinaryKind>()];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>
    /// Two operand shapes that broadcast to a random [N, C, H, W] (odd sizes, batch above 1): each axis
    /// of each operand is the full extent or 1, and the second may lack leading axes (a [C, 1, 1] constant).
    /// </summary>
    private (int[] A, int[] B) RandomShapes()
    {
        int[] full = [Between(2, 3), Between(1, 5), Between(1, 7), Between(1, 9)];
        int[] Pick() => [.. full.Select(d => Between(0, 2) == 0 ? 1 : d)];
        var b = Pick();
        return (Pick(), b[Between(0, 3)..]);
    }

    /// <summary>Values away from 0, so a divisor never blows up the finite differences.</summary>
    private float[] Operand(int count, BinaryKind kind, bool divisor) =>
        divisor && kind == BinaryKind.Div ? [.. Uniform(count, 0.5, 2).Select((v, i) => i % 2 == 0 ? v : -v)] : Uniform(count);

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Forward_matches_reference(BinaryKind kind)
    {
        for (var trial = 0; trial < 4; trial++)
        {
            var (sa, sb) = RandomShapes();
            var (a, b) = (Operand(Count(sa), kind, false), Operand(Count(sb), kind, true));
            var shape = ElementwiseReference.Shape(sa, sb)!;
            var y = Poisoned(shape);
            Elementwise.Forward(kind, Upload(a, sa), Upload(b, sb), y);
            AssertClose(ElementwiseReference.Forward(kind, ToDouble(a), sa, ToDouble(b), sb), y.ToArray(), 1e-6,
                $"{kind} forward {Tensor.Format(sa)} with {Tensor.Format(sb)}");
        }
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Backward_to_each_operand_matches_finite_differences(BinaryKind kind)
    {
        for (var trial = 0; trial < 3; trial++)
        {
            var (sa, sb) = RandomShapes();
            var (a, b) = (Operand(Count(sa), kind, false), Operand(Count(sb), kind, true));
            var shape = ElementwiseReference.Shape(sa, sb)!;
            var dy = Uniform(Count(shape));
            var (ta, tb, tdy) = (Upload(a, sa), Upload(b, sb), Upload(dy, shape));
            var (da, db) = (Poisoned(sa), Poisoned(sb));
            Elementwise.Backward(kind, 0, ta, tb, tdy, da);
            Elementwise.Backward(kind, 1, ta, tb, tdy, db);
            var what = $"{kind} backward {Tensor.Format(sa)} with {Tensor.Format(sb)}";
            AssertGradient(x => ElementwiseReference.Forward(kind, x, sa, ToDouble(b), sb), ToDouble(a), ToDouble(dy), da.ToArray(), $"{what}, to a");
            AssertGradient(x => ElementwiseReference.Forward(kind, ToDouble(a), sa, x, sb), ToDouble(b), ToDouble(dy), db.ToArray(), $"{what}, to b");
        }
    }

    [Theory]
    [InlineData(BinaryKind.Add)]
    [InlineData(BinaryKind.Sub)]
    [InlineData(BinaryKind.Mul)]
    public void Backward_is_the_adjoint_of_the_forward_in_each_operand(BinaryKind kind)
    {
        // Add, Sub and Mul are linear in each operand with the other fixed (Sub and Add: up to a constant, taken out by a zero operand).
        var (sa, sb) = RandomShapes();
        var shape = ElementwiseReference.Shape(sa, sb)!;
        var (a, b, dy) = (Uniform(Count(sa)), Uniform(Count(sb)), Uniform(Count(shape)));
        float[] Zeros(int[] s) => kind == BinaryKind.Mul ? Uniform(Count(s)) : new float[Count(s)];
        var (fixedA, fixedB) = (Zeros(sa), Zeros(sb));

        var ja = Poisoned(shape);
        Elementwise.Forward(kind, Upload(a, sa), Upload(fixedB, sb), ja);
        var da = Poisoned(sa);
        Elementwise.Backward(kind, 0, Upload(a, sa), Upload(fixedB, sb), Upload(dy, shape), da);
        AssertAdjoint(a, ja.ToArray(), dy, da.ToArray(), $"{kind} in a");

        var jb = Poisoned(shape);
        Elementwise.Forward(kind, Upload(fixedA, sa), Upload(b, sb), jb);
        var db = Poisoned(sb);
        Elementwise.Backward(kind, 1, Upload(fixedA, sa), Upload(b, sb), Upload(dy, shape), db);
        AssertAdjoint(b, jb.ToArray(), dy, db.ToArray(), $"{kind} in b");
    }

    [Fact]
    public void The_squeeze_excitation_gate_matches_reference_on_a_large_map()
    {
        // x [N, C, H, W] times a gate [N, C, 1, 1]: the gate's gradient sums a whole plane.
        int[] sx = [2, 5, 37, 41], sg = [2, 5, 1, 1];
        var (x, gate, dy) = (Uniform(Count(sx)), Uniform(Count(sg)), Uniform(Count(sx)));
        var y = Poisoned(sx);
        var (tx, tg) = (Upload(x, sx), Upload(gate, sg));
        Elementwise.Forward(BinaryKind.Mul, tx, tg, y);
        AssertClose(ElementwiseReference.Forward(BinaryKind.Mul, ToDouble(x), sx, ToDouble(gate), sg), y.ToArray(), 1e-6, "gate forward");
        var dg = Poisoned(sg);
        Elementwise.Backward(BinaryKind.Mul, 1, tx, tg, Upload(dy, sx), dg);
        var expected = new double[gate.Length];
        for (var i = 0; i < x.Length; i++) expected[i / (37 * 41)] += (double)x[i] * dy[i];
        AssertClose(expected, dg.ToArray(), 1e-4, "gate gradient (a plane's sum)");
    }

    [Fact]
    public void Rejects_shapes_that_do_not_broadcast()
    {
        var a = Upload(Uniform(2 * 3 * 4 * 5), 2, 3, 4, 5);
        var ex = Assert.Throws<ShapeException>(() => Elementwise.Forward(BinaryKind.Mul, a, Upload(Uniform(4), 4), Poisoned(2, 3, 4, 5)));
        Assert.Contains("[2, 3, 4, 5]", ex.Message);
        Assert.Contains("[4]", ex.Message);
        Assert.Contains("do not broadcast", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Elementwise.Forward(BinaryKind.Mul, a, Upload(Uniform(3), 3, 1, 1), Poisoned(2, 3, 4, 4)));
        Assert.Contains("output", ex.Message);
        ex = Assert.Throws<ShapeException>(() => Elementwise.Backward(BinaryKind.Div, 1, a, Upload(Uniform(3), 3, 1, 1), Upload(Uniform(120), 2, 3, 4, 5), Poisoned(2, 3, 1, 1)));
        Assert.Contains("operand b", ex.Message);
        Assert.Contains("[3, 1, 1]", ex.Message);
    }
}
