using DeepVis.Kernels.Image;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class GramTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : GramTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : GramTests(fixture, Implementation.Ilgpu);

    private int[] RandomShape() => [Between(1, 3), Between(1, 5), Between(1, 4), Between(1, 4)];

    /// <summary>G[n, c, d] = sum_p a[n, c, p] a[n, d, p], in double.</summary>
    private static double[] Reference(double[] a, int[] shape)
    {
        var (n, c, p) = (shape[0], shape[1], shape[2] * shape[3]);
        var g = new double[n * c * c];
        for (var i = 0; i < n; i++)
            for (var x = 0; x < c; x++)
                for (var y = 0; y < c; y++)
                    for (var k = 0; k < p; k++) g[(i * c + x) * c + y] += a[(i * c + x) * p + k] * a[(i * c + y) * p + k];
        return g;
    }

    [Fact]
    public void Forward_matches_reference()
    {
        var shape = RandomShape();
        var a = Uniform(shape.Aggregate(1, (x, y) => x * y));
        var gram = Poisoned(shape[0], shape[1], shape[1]);
        Gram.Forward(Upload(a, shape), gram);
        AssertClose(Reference(ToDouble(a), shape), gram.ToArray(), 1e-5, "gram");
    }

    [Fact]
    public void Backward_matches_finite_differences()
    {
        var shape = RandomShape();
        var a = Uniform(shape.Aggregate(1, (x, y) => x * y));
        var dg = Uniform(shape[0] * shape[1] * shape[1]);
        var da = Poisoned(shape);
        Gram.Backward(Upload(a, shape), Upload(dg, shape[0], shape[1], shape[1]), da);
        AssertGradient(v => Reference(v, shape), ToDouble(a), ToDouble(dg), da.ToArray(), "gram backward");
    }
}
