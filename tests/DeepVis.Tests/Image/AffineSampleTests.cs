using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class AffineSampleTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : AffineSampleTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : AffineSampleTests(fixture, Implementation.Ilgpu);

    /// <summary>A random rotation (up to 30 degrees), scale (0.7..1.4) and shift per image, as a [K, 6] table.</summary>
    private double[][] RandomMaps(int count)
    {
        var maps = new double[count][];
        for (var k = 0; k < count; k++)
        {
            var (angle, scale) = ((Rng.NextDouble() * 2 - 1) * Math.PI / 6, 0.7 + 0.7 * Rng.NextDouble());
            var (c, s) = (scale * Math.Cos(angle), scale * Math.Sin(angle));
            maps[k] = [c, -s, Rng.NextDouble() * 6 - 3, s, c, Rng.NextDouble() * 6 - 3];
        }
        return maps;
    }

    private Tensor UploadMaps(double[][] maps) =>
        Upload([.. maps.SelectMany(m => m.Select(v => (float)v))], maps.Length, AffineSample.Coefficients);

    private (int[] In, int OutH, int OutW) RandomSizes() =>
        ([Between(1, 3), Between(1, 2), Between(2, 9), Between(2, 9)], Between(1, 10), Between(1, 10));

    [Fact]
    public void Forward_matches_reference()
    {
        var (shape, outH, outW) = RandomSizes();
        var first = Between(0, 2);
        var maps = RandomMaps(first + shape[0]);
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b));
        var y = Poisoned(shape[0], shape[1], outH, outW);
        AffineSample.Forward(Upload(x, shape), y, UploadMaps(maps), first, 0.5f);
        AssertClose(AffineSampleReference.Forward(ToDouble(x), shape, outH, outW, maps[first..], 0.5), y.ToArray(), 1e-5,
            $"affine sample of {Tensor.Format(shape)} to {outH}x{outW}");
    }

    [Fact]
    public void Integer_shift_to_another_size_is_a_crop_or_pad()
    {
        int[] shape = [1, 1, 4, 5];
        var x = Uniform(20);
        var y = Poisoned(1, 1, 6, 3);
        // Output (i, j) reads input (i - 1, j + 2): a crop of columns 2..4 and a one-row pad above and below.
        AffineSample.Forward(Upload(x, shape), y, UploadMaps([[1, 0, 2, 0, 1, -1]]), 0, 0.5f);
        var expected = new double[18];
        for (var i = 0; i < 6; i++)
            for (var j = 0; j < 3; j++) expected[i * 3 + j] = i is >= 1 and <= 4 ? x[(i - 1) * 5 + j + 2] : 0.5;
        AssertClose(expected, y.ToArray(), 0, "crop and pad");
    }

    [Fact]
    public void Backward_is_the_adjoint_of_forward()
    {
        var (shape, outH, outW) = RandomSizes();
        var maps = RandomMaps(shape[0]);
        var outShape = new[] { shape[0], shape[1], outH, outW };
        var (x, y) = (Uniform(shape.Aggregate(1, (a, b) => a * b)), Uniform(outShape.Aggregate(1, (a, b) => a * b)));
        var (jx, jty) = (Poisoned(outShape), Poisoned(shape));
        var table = UploadMaps(maps);
        AffineSample.Forward(Upload(x, shape), jx, table, 0, 0f);
        AffineSample.Backward(Upload(y, outShape), jty, table, 0);
        AssertAdjoint(x, jx.ToArray(), y, jty.ToArray(), $"affine sample of {Tensor.Format(shape)} to {outH}x{outW}");
    }

    [Fact]
    public void Backward_matches_finite_differences_with_padding()
    {
        var (shape, outH, outW) = RandomSizes();
        var maps = RandomMaps(shape[0]);
        var outShape = new[] { shape[0], shape[1], outH, outW };
        var dy = Uniform(outShape.Aggregate(1, (a, b) => a * b));
        var dx = Poisoned(shape);
        AffineSample.Backward(Upload(dy, outShape), dx, UploadMaps(maps), 0);
        AssertGradient(v => AffineSampleReference.Forward(v, shape, outH, outW, maps, 0.5),
            ToDouble(Uniform(shape.Aggregate(1, (a, b) => a * b))), ToDouble(dy), dx.ToArray(), "affine sample backward");
    }

    [Fact]
    public void Rejects_too_few_maps()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            AffineSample.Forward(Upload(Uniform(18), 2, 1, 3, 3), Poisoned(2, 1, 3, 3), UploadMaps(RandomMaps(2)), 1, 0f));
        Assert.Contains("rows 1..2", ex.Message);
    }
}
