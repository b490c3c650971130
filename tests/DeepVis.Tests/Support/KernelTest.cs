using DeepVis.Kernels.Runtime;

namespace DeepVis.Tests.Support;

/// <summary>
/// Base of kernel tests: a fresh seeded random source per test (the seed is in every failure
/// message; DEEPVIS_TEST_SEED replays it), device tensors that are freed after the test, outputs
/// poisoned with NaN so an element a kernel forgot to write fails, and the comparisons every
/// kernel test makes: against a double-precision reference, against centered finite differences,
/// and the adjoint identity. A test class that checks every implementation is abstract, takes the
/// <see cref="Implementation"/> and nests one sealed class per implementation (<c>OnCpu</c>, <c>OnIlgpu</c>).
/// </summary>
public abstract class KernelTest(DeviceFixture fixture, Implementation? implementation = null) : IDisposable
{
    private readonly List<Tensor> _tensors = [];

    /// <summary>The implementation's device, or the suite's device when the test names none.</summary>
    protected Device Device { get; } = implementation is { } i ? fixture.For(i) : fixture.Device;

    protected DeviceFixture Fixture { get; } = fixture;

    protected int Seed { get; } = int.TryParse(Environment.GetEnvironmentVariable("DEEPVIS_TEST_SEED"), out var s)
        ? s : Random.Shared.Next();

    protected Random Rng => _rng ??= new Random(Seed);
    private Random? _rng;

    protected string Replay => $"seed {Seed} (replay with DEEPVIS_TEST_SEED={Seed})";

    protected float[] Uniform(int count, double low = -1, double high = 1)
    {
        var data = new float[count];
        for (var i = 0; i < count; i++) data[i] = (float)(low + (high - low) * Rng.NextDouble());
        return data;
    }

    protected int Between(int low, int highInclusive) => Rng.Next(low, highInclusive + 1);

    protected Tensor Upload(float[] data, params int[] shape) => Track(Tensor.FromArray(Device, data, shape));

    /// <summary>An output tensor filled with NaN, so every element the kernel fails to write shows.</summary>
    protected Tensor Poisoned(params int[] shape)
    {
        var t = Track(new Tensor(Device, shape));
        t.Fill(float.NaN);
        return t;
    }

    protected Tensor Track(Tensor t)
    {
        _tensors.Add(t);
        return t;
    }

    protected static double[] ToDouble(float[] data) => Array.ConvertAll(data, v => (double)v);

    /// <summary>|actual - expected| &lt;= tolerance * (1 + |expected|) for every element.</summary>
    protected void AssertClose(double[] expected, float[] actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length,
            $"{what}: expected {expected.Length} values, got {actual.Length}; {Replay}");
        for (var i = 0; i < expected.Length; i++)
        {
            var error = Math.Abs(actual[i] - expected[i]);
            if (!(error <= tolerance * (1 + Math.Abs(expected[i]))))
                Assert.Fail($"{what}: element {i} is {actual[i]}, expected {expected[i]} (tolerance {tolerance}); {Replay}");
        }
    }

    /// <summary>
    /// Checks a backward result against centered finite differences of the double-precision
    /// reference forward, along random directions v: &lt;dy, (f(x+hv) - f(x-hv)) / 2h&gt; = &lt;dx, v&gt;.
    /// </summary>
    protected void AssertGradient(Func<double[], double[]> forward, double[] x, double[] dy, float[] dx,
        string what, double tolerance = 1e-3, double step = 1e-6, int directions = 3)
    {
        Assert.True(dx.Length == x.Length, $"{what}: gradient has {dx.Length} values, input {x.Length}; {Replay}");
        for (var d = 0; d < directions; d++)
        {
            var v = new double[x.Length];
            for (var i = 0; i < v.Length; i++) v[i] = Rng.NextDouble() * 2 - 1;
            var plus = forward(Add(x, v, step));
            var minus = forward(Add(x, v, -step));
            double numeric = 0, analytic = 0, scale = 0;
            for (var i = 0; i < dy.Length; i++) numeric += dy[i] * (plus[i] - minus[i]) / (2 * step);
            for (var i = 0; i < x.Length; i++)
            {
                analytic += dx[i] * v[i];
                scale += Math.Abs(dx[i] * v[i]);
            }
            var error = Math.Abs(numeric - analytic);
            Assert.True(error <= tolerance * (scale + 1e-6),
                $"{what}: finite differences give {numeric}, the backward kernel {analytic} (direction {d}); {Replay}");
        }
    }

    /// <summary>For a linear map J and its backward J^T: &lt;J x, y&gt; = &lt;x, J^T y&gt; (accumulated in double).</summary>
    protected void AssertAdjoint(float[] x, float[] jx, float[] y, float[] jty, string what, double tolerance = 1e-4)
    {
        double left = 0, right = 0, scale = 0;
        for (var i = 0; i < jx.Length; i++)
        {
            left += (double)jx[i] * y[i];
            scale += Math.Abs((double)jx[i] * y[i]);
        }
        for (var i = 0; i < x.Length; i++) right += (double)x[i] * jty[i];
        Assert.True(Math.Abs(left - right) <= tolerance * (scale + 1e-6),
            $"{what}: <Jx, y> = {left} but <x, J^T y> = {right}; {Replay}");
    }

    public void Dispose()
    {
        foreach (var t in _tensors) t.Dispose();
        GC.SuppressFinalize(this);
    }

    private static double[] Add(double[] x, double[] v, double scale)
    {
        var result = new double[x.Length];
        for (var i = 0; i < x.Length; i++) result[i] = x[i] + scale * v[i];
        return result;
    }
}
