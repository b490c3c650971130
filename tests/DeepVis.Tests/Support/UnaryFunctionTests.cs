using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Unary;

namespace DeepVis.Tests.Support;

/// <summary>
/// One setting of an element-wise function under test, with its double-precision reference.
/// </summary>
/// <param name="Label">What failures name ("hardsigmoid (0.2, 0.5)").</param>
/// <param name="Kinks">Inputs where the function or its derivative bends and the reference states the convention (torch's); the reference tests include them, finite differences avoid them.</param>
public sealed record UnaryCase<TFunction>(
    string Label, TFunction Function, Func<double[], double[]> Forward, Func<double[], double[], double[]> Backward, float[] Kinks)
    where TFunction : struct, IUnaryFunction;

/// <summary>
/// The tests every element-wise function (<see cref="IUnaryFunction"/>) shares, run on each of its
/// settings: forward and backward against the double reference with the outputs poisoned (NaN) first,
/// at the extremes where e^x overflows a float, with NaN, in place, on tensors large enough for every
/// vector and tail path, against finite differences, the adjoint identity, and the shape errors.
/// </summary>
public abstract class UnaryFunctionTests<TFunction>(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
    where TFunction : struct, IUnaryFunction
{
    /// <summary>The settings to test (a function without parameters has one).</summary>
    protected abstract IReadOnlyList<UnaryCase<TFunction>> Cases { get; }

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 9), Between(1, 9)];

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>Uniform on [-6, 6] with every seventh element on a kink, in turn.</summary>
    private float[] Inputs(int count, UnaryCase<TFunction> c)
    {
        var x = Uniform(count, -6, 6);
        if (c.Kinks.Length > 0)
            for (var i = 0; i < count; i += 7) x[i] = c.Kinks[i / 7 % c.Kinks.Length];
        return x;
    }

    /// <summary>Like <see cref="KernelTest.AssertClose"/>, and NaN exactly where the reference is NaN.</summary>
    private void AssertCloseOrNan(double[] expected, float[] actual, string what)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(double.IsNaN(expected[i]) == float.IsNaN(actual[i]), $"{what}: element {i} is {actual[i]}, expected {expected[i]}; {Replay}");
            if (double.IsNaN(expected[i])) actual[i] = 0;
        }
        AssertClose(Array.ConvertAll(expected, e => double.IsNaN(e) ? 0 : e), actual, 1e-6, what);
    }

    [Fact]
    public void Forward_matches_reference()
    {
        foreach (var c in Cases)
        {
            var shape = RandomShape();
            var x = Inputs(Count(shape), c);
            var y = Poisoned(shape);
            UnaryKernels.Forward(c.Function, Upload(x, shape), y);
            AssertClose(c.Forward(ToDouble(x)), y.ToArray(), 1e-6, $"{c.Label} forward");
        }
    }

    [Fact]
    public void Forward_saturates_without_overflow_and_propagates_nan_in_place()
    {
        // e^x overflows a float beyond |x| = 88: the output must still saturate, not turn NaN.
        float[] x = [-1000f, -100f, -88.5f, -20f, -1e-3f, -1e-6f, 0f, 1e-6f, 1e-3f, 0.5f, 20f, 100f, 1000f, float.NaN, 3f, -3f];
        foreach (var c in Cases)
        {
            var t = Upload(x, 1, 1, 4, 4);
            UnaryKernels.Forward(c.Function, t, t);
            var values = t.ToArray();
            Assert.True(float.IsNaN(values[13]), $"{c.Label} must keep NaN (as torch); {Replay}");
            values[13] = 0;
            var expected = c.Forward(ToDouble(x));
            expected[13] = 0;
            AssertClose(expected, values, 1e-6, $"{c.Label} at the extremes");
        }
    }

    [Fact]
    public void Backward_matches_reference_with_nan_and_kinks()
    {
        foreach (var c in Cases)
        {
            var shape = RandomShape();
            var length = Count(shape);
            var (x, dy) = (Inputs(length, c), Uniform(length));
            x[length / 2] = float.NaN;
            var (input, y, dx) = (Upload(x, shape), Poisoned(shape), Poisoned(shape));
            UnaryKernels.Forward(c.Function, input, y);
            UnaryKernels.Backward(c.Function, input, y, Upload(dy, shape), dx);
            AssertCloseOrNan(c.Backward(ToDouble(x), ToDouble(dy)), dx.ToArray(), $"{c.Label} backward");
        }
    }

    [Fact]
    public void Backward_into_the_output_gradient_matches_reference_on_large_tensors()
    {
        // Odd sizes, so that the cpu device's chunks end off a vector boundary.
        int[] shape = [3, 5, 47, 53];
        var length = Count(shape);
        foreach (var c in Cases)
        {
            var (x, dy) = (Inputs(length, c), Uniform(length));
            var (input, y) = (Upload(x, shape), Poisoned(shape));
            UnaryKernels.Forward(c.Function, input, y);
            AssertClose(c.Forward(ToDouble(x)), y.ToArray(), 1e-6, $"{c.Label} forward, large");
            var gradient = Upload(dy, shape);
            UnaryKernels.Backward(c.Function, input, y, gradient, gradient);
            AssertClose(c.Backward(ToDouble(x), ToDouble(dy)), gradient.ToArray(), 1e-6, $"{c.Label} backward in place, large");
        }
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        foreach (var c in Cases)
        {
            var shape = RandomShape();
            var length = Count(shape);
            // Continuous inputs: the kinks have probability zero.
            var (x, dy) = (Uniform(length, -5, 5), Uniform(length));
            var (input, y, dx) = (Upload(x, shape), Poisoned(shape), Poisoned(shape));
            UnaryKernels.Forward(c.Function, input, y);
            UnaryKernels.Backward(c.Function, input, y, Upload(dy, shape), dx);
            AssertGradient(c.Forward, ToDouble(x), ToDouble(dy), dx.ToArray(), $"{c.Label} backward");
        }
    }

    [Fact]
    public void Backward_is_the_adjoint_of_the_linearization()
    {
        // The Jacobian of an element-wise map is diagonal, so it is its own transpose: <J a, b> = <a, J^T b>
        // holds only if every element's gradient lands on that element.
        foreach (var c in Cases)
        {
            var shape = RandomShape();
            var length = Count(shape);
            var (x, a, b) = (Uniform(length, -5, 5), Uniform(length), Uniform(length));
            var (input, y, ja, jb) = (Upload(x, shape), Poisoned(shape), Poisoned(shape), Poisoned(shape));
            UnaryKernels.Forward(c.Function, input, y);
            UnaryKernels.Backward(c.Function, input, y, Upload(a, shape), ja);
            UnaryKernels.Backward(c.Function, input, y, Upload(b, shape), jb);
            AssertAdjoint(a, ja.ToArray(), b, jb.ToArray(), $"{c.Label} backward");
        }
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var function = Cases[0].Function;
        var x = Upload(Uniform(8), 1, 2, 2, 2);
        var ex = Assert.Throws<ShapeException>(() => UnaryKernels.Forward(function, x, Poisoned(1, 2, 2, 3)));
        Assert.Contains("[1, 2, 2, 2]", ex.Message);
        Assert.Contains("[1, 2, 2, 3]", ex.Message);
        Assert.StartsWith(function.Name, ex.Message);
        ex = Assert.Throws<ShapeException>(() => UnaryKernels.Backward(function, x, x, Poisoned(1, 2, 2, 3), Poisoned(1, 2, 2, 2)));
        Assert.Contains("output gradient", ex.Message);
        ex = Assert.Throws<ShapeException>(() => UnaryKernels.Backward(function, x, Poisoned(1, 2, 2, 3), x, Poisoned(1, 2, 2, 2)));
        Assert.Contains("output", ex.Message);
    }
}
