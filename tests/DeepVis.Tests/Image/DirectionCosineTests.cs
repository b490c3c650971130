using DeepVis.Kernels.Image;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class DirectionCosineTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : DirectionCosineTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : DirectionCosineTests(fixture, Implementation.Ilgpu);

    /// <summary>Lucid's _dot_cossim per position, in double: dot * max(0.1, dot / (e + |a|) / (e + |v|))^power.</summary>
    private static double[] Reference(double[] a, double[] v, int[] shape, double power)
    {
        var (n, c, p) = (shape[0], shape[1], shape[2] * shape[3]);
        var values = new double[n * p];
        var norm = Math.Sqrt(v.Sum(x => x * x));
        for (var i = 0; i < n; i++)
            for (var q = 0; q < p; q++)
            {
                double dot = 0, squares = 0;
                for (var k = 0; k < c; k++)
                {
                    var x = a[(i * c + k) * p + q];
                    dot += x * v[k];
                    squares += x * x;
                }
                var cosine = dot / (DirectionCosine.Epsilon + Math.Sqrt(squares)) / (DirectionCosine.Epsilon + norm);
                values[i * p + q] = dot * Math.Pow(Math.Max(DirectionCosine.Floor, cosine), power);
            }
        return values;
    }

    private int[] RandomShape() => [Between(1, 3), Between(2, 6), Between(1, 4), Between(1, 4)];

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(2.5)]
    public void Values_match_reference(double power)
    {
        var shape = RandomShape();
        var (a, v) = (Uniform(shape.Aggregate(1, (x, y) => x * y)), Uniform(shape[1]));
        var values = Poisoned(shape[0], shape[2] * shape[3]);
        DirectionCosine.Values(Upload(a, shape), Upload(v, shape[1]), values, (float)power);
        AssertClose(Reference(ToDouble(a), ToDouble(v), shape, power), values.ToArray(), 1e-4, $"direction cosine^{power}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(2.0)]
    public void Gradient_matches_finite_differences(double power)
    {
        var shape = RandomShape();
        // Inputs along the direction, so most positions are above the cosine floor.
        var v = Uniform(shape[1]);
        var a = Uniform(shape.Aggregate(1, (x, y) => x * y));
        for (var i = 0; i < a.Length; i++) a[i] = 0.5f * a[i] + v[i / (shape[2] * shape[3]) % shape[1]];
        var plane = shape[2] * shape[3];
        var gradient = Upload(Uniform(a.Length), shape);
        var before = gradient.ToArray();
        DirectionCosine.AddGradient(Upload(a, shape), Upload(v, shape[1]), gradient, (float)power, 0.5f);
        var added = gradient.ToArray().Zip(before, (after, b) => after - b).ToArray();
        // The scale seeds every position's value alike: the gradient of 0.5 * sum of the values.
        AssertGradient(x => Reference(x, ToDouble(v), shape, power), ToDouble(a), [.. Enumerable.Repeat(0.5, shape[0] * plane)], added,
            $"direction cosine^{power} gradient", tolerance: 2e-3);
    }

    [Fact]
    public void Gradient_of_one_item_leaves_the_others_alone()
    {
        int[] shape = [3, Between(2, 5), 2, 3];
        var (a, v) = (Uniform(shape.Aggregate(1, (x, y) => x * y)), Uniform(shape[1]));
        var gradient = Upload(new float[a.Length], shape);
        DirectionCosine.AddGradient(Upload(a, shape), Upload(v, shape[1]), gradient, 1f, 1f, item: 1);
        var g = gradient.ToArray();
        var item = a.Length / 3;
        Assert.All(g.Take(item).Concat(g.Skip(2 * item)), x => Assert.Equal(0f, x));
        Assert.Contains(g.Skip(item).Take(item), x => x != 0f);
    }
}
