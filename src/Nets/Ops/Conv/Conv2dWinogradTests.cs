using DeepVis.Kernels.Cpu;
using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>
/// The cpu device's Winograd convolutions (F(2x2, 3x3) and F(4x4, 3x3), forced), its 1x1 products and the weights a
/// layer prepares once: against the double-precision reference, finite differences and the adjoint identity, with the
/// rounding error of each tile size stated as a bound.
/// </summary>
public sealed class Conv2dWinogradTests(DeviceFixture fixture) : Conv2dCases(fixture, Implementation.Cpu)
{
    private float[] RunForward(Case k, Conv2dCpuAlgorithm algorithm, CpuBlocking? blocking = null, Conv2dPrepared? prepared = null,
        Tensor? weight = null)
    {
        var y = Poisoned(k.N, k.O, k.OH, k.OW);
        Conv2d.Forward(Upload(k.X, k.N, k.C, k.H, k.W), weight ?? Upload(k.Weight, k.O, k.GroupC, k.KH, k.KW),
            k.Bias is null ? null : Upload(k.Bias, k.O), y, k.S, prepared, algorithm, blocking: blocking);
        return y.ToArray();
    }

    private float[] RunBackward(Case k, float[] dy, Conv2dCpuAlgorithm algorithm, CpuBlocking? blocking = null,
        Conv2dPrepared? prepared = null, Tensor? weight = null)
    {
        var dx = Poisoned(k.N, k.C, k.H, k.W);
        Conv2d.BackwardInput(Upload(dy, k.N, k.O, k.OH, k.OW), weight ?? Upload(k.Weight, k.O, k.GroupC, k.KH, k.KW), dx, k.S,
            prepared, algorithm, blocking: blocking);
        return dx.ToArray();
    }

    /// <summary>The algorithm that forces a tile size: 2 or 4, 0 for the packed product.</summary>
    private static Conv2dCpuAlgorithm Algorithm(int tile) =>
        tile switch { 2 => Conv2dCpuAlgorithm.Winograd2, 4 => Conv2dCpuAlgorithm.Winograd4, _ => Conv2dCpuAlgorithm.Gemm };

    /// <summary>
    /// The tolerance of the element-wise checks: F(4x4) rounds to about 1e-5 of the output's largest value (see
    /// <see cref="Rounding_error_is_within_its_bound"/>), more than the element-wise tolerance allows on large outputs.
    /// </summary>
    private static double Tolerance(int tile, double[] expected) =>
        tile == 4 ? Math.Max(LargeTolerance, 2e-5 * expected.Max(Math.Abs)) : LargeTolerance;

    /// <summary>max |actual - expected| / max |expected|: the error relative to the output's scale.</summary>
    private static double RelativeError(double[] expected, float[] actual)
    {
        double error = 0, scale = 0;
        for (var i = 0; i < expected.Length; i++)
        {
            error = Math.Max(error, Math.Abs(actual[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        return error / scale;
    }

    // Padding 0-2 on each side (the backward pads 2 - pad), sizes that are not multiples of either tile.
    public static TheoryData<int, int, int, int, int> Paddings => new()
    {
        { 2, 1, 1, 1, 1 }, { 4, 1, 1, 1, 1 },
        { 2, 0, 0, 0, 0 }, { 4, 0, 0, 0, 0 },
        { 2, 2, 0, 1, 2 }, { 4, 0, 2, 2, 1 },
    };

    [Theory]
    [MemberData(nameof(Paddings))]
    public void Winograd_matches_reference_finite_differences_and_adjoint(int tile, int top, int left, int bottom, int right)
    {
        var algorithm = Algorithm(tile);
        var k = New(2, Between(5, 20), Between(5, 19), Between(5, 19), Between(7, 30), 3, 3,
            new Conv2dSettings(1, 1, top, left, bottom, right), bias: true);
        var what = $"{algorithm} {k}";
        var expected = Reference(k, ToDouble(k.X));
        AssertClose(expected, RunForward(k, algorithm), Tolerance(tile, expected), $"{what} forward");
        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var dx = RunBackward(k, dy, algorithm);
        var expectedDx = ReferenceBackward(k, dy);
        AssertClose(expectedDx, dx, Tolerance(tile, expectedDx), $"{what} backward");
        AssertGradient(x => Reference(k, x), ToDouble(k.X), ToDouble(dy), dx, $"{what} backward");
        AssertAdjoint(k.X, RunForward(k with { Bias = null }, algorithm), dy, dx, what);
    }

    // Small blocks: several depth blocks (channels), row blocks (filters), column blocks and chunks of tiles (scratch),
    // none of them a multiple of the block.
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Winograd_with_small_blocks_matches_reference(int tile)
    {
        var algorithm = Algorithm(tile);
        var k = New(2, 23, 17, 21, 29, 3, 3, Conv2dSettings.Square(1, 1), bias: true);
        var blocking = new CpuBlocking(12, 32, 7, 2000);
        var expected = Reference(k, ToDouble(k.X));
        AssertClose(expected, RunForward(k, algorithm, blocking), Tolerance(tile, expected), $"{algorithm} small blocks forward");
        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var expectedDx = ReferenceBackward(k, dy);
        AssertClose(expectedDx, RunBackward(k, dy, algorithm, blocking), Tolerance(tile, expectedDx), $"{algorithm} small blocks backward");
    }

    // The error bound of each algorithm on a ResNet-sized layer (256 channels, uniform inputs and weights), relative to the
    // output's largest value (measured: packed product 1.7e-6 forward, 2e-7 backward; F(2x2) 6.4e-7 and 2.5e-7, its sums
    // over channels being shorter than the product's over channel taps; F(4x4) 9.4e-6 and 4e-6, its transforms holding
    // 4, 5 and 8): each bound about twice the largest error seen.
    [Theory]
    [InlineData(0, 3e-6)]
    [InlineData(2, 1.5e-6)]
    [InlineData(4, 2e-5)]
    public void Rounding_error_is_within_its_bound(int tile, double bound)
    {
        var algorithm = Algorithm(tile);
        var k = New(1, 256, 14, 14, 32, 3, 3, Conv2dSettings.Square(1, 1), bias: false);
        var forward = RelativeError(Reference(k, ToDouble(k.X)), RunForward(k, algorithm));
        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var backward = RelativeError(ReferenceBackward(k, dy), RunBackward(k, dy, algorithm));
        Assert.True(forward <= bound && backward <= bound,
            $"{algorithm}: error relative to the output's largest value {forward:E2} forward, {backward:E2} backward, bound {bound:E0}; {Replay}");
    }

    // The partition is fixed by the problem: the same bits with any thread count.
    [Theory]
    [InlineData(2)]
    [InlineData(4)]
    public void Winograd_gives_the_same_bits_with_any_thread_count(int tile)
    {
        var algorithm = Algorithm(tile);
        var k = New(2, 24, 30, 27, 20, 3, 3, Conv2dSettings.Square(1, 1), bias: true);
        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var threads = Device.HostThreads;
        try
        {
            var runs = new[] { 1, 2, 3 }.Select(count =>
            {
                Device.HostThreads = count;
                return (Forward: RunForward(k, algorithm), Backward: RunBackward(k, dy, algorithm));
            }).ToList();
            foreach (var run in runs.Skip(1))
            {
                Assert.Equal(runs[0].Forward, run.Forward);
                Assert.Equal(runs[0].Backward, run.Backward);
            }
        }
        finally
        {
            Device.HostThreads = threads;
        }
    }

    // A 1x1 layer too small to split by rows (24 filters) splits by pixels; large enough to reach several blocks.
    [Fact]
    public void Pointwise_product_matches_reference_finite_differences_and_adjoint() =>
        AssertLargeProblem(New(1, 70, 9, 11, 24, 1, 1, Conv2dSettings.Square(), bias: true), "1x1 product");

    [Theory]
    [InlineData(0, 1, 1)]
    [InlineData(0, 3, 2)]
    [InlineData(2, 3, 1)]
    [InlineData(4, 3, 1)]
    public void Prepared_weights_give_the_same_bits_and_are_made_once_and_counted(int tile, int kernel, int stride)
    {
        var algorithm = Algorithm(tile);
        var k = New(2, 20, 13, 12, 18, kernel, kernel, Conv2dSettings.Square(stride, kernel / 2), bias: true);
        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var (forward, backward) = (RunForward(k, algorithm), RunBackward(k, dy, algorithm));
        var weight = Upload(k.Weight, k.O, k.GroupC, k.KH, k.KW);
        using var prepared = new Conv2dPrepared(weight);
        var before = Device.AllocatedBytes;
        Assert.Equal(forward, RunForward(k, algorithm, prepared: prepared, weight: weight));
        Assert.Equal(backward, RunBackward(k, dy, algorithm, prepared: prepared, weight: weight));
        var made = prepared.Floats;
        Assert.True(made >= 2L * k.O * k.C * k.KH * k.KW, $"prepared {made} floats for {k}");
        // Made once: the second calls neither change the bits nor prepare more; the device counts what was made.
        Assert.Equal(forward, RunForward(k, algorithm, prepared: prepared, weight: weight));
        Assert.Equal(backward, RunBackward(k, dy, algorithm, prepared: prepared, weight: weight));
        Assert.Equal(made, prepared.Floats);
        Assert.True(Device.AllocatedBytes - before >= made * sizeof(float),
            $"the device counts {Device.AllocatedBytes - before} more bytes, the prepared weights hold {made * sizeof(float)}");
        prepared.Dispose();
        Assert.Equal(0, prepared.Floats);
    }

    [Fact]
    public void Prepared_weights_serve_only_their_own_weight()
    {
        var k = New(1, 16, 8, 8, 16, 3, 3, Conv2dSettings.Square(1, 1), bias: false);
        var other = k with { Weight = Uniform(k.Weight.Length) };
        using var prepared = new Conv2dPrepared(Upload(k.Weight, k.O, k.C, 3, 3));
        Assert.Equal(RunForward(other, Conv2dCpuAlgorithm.Winograd2),
            RunForward(other, Conv2dCpuAlgorithm.Winograd2, prepared: prepared, weight: Upload(other.Weight, k.O, k.C, 3, 3)));
        Assert.Equal(0, prepared.Floats);
    }

    [Fact]
    public void A_layer_prepares_its_weights_on_first_use_and_frees_them()
    {
        var k = New(1, 32, 16, 16, 32, 3, 3, Conv2dSettings.Square(1, 1), bias: true);
        var layer = new Conv2dLayer(Tensor.FromArray(Device, k.Weight, k.O, k.C, 3, 3), Tensor.FromArray(Device, k.Bias!, k.O), k.S);
        Assert.Equal(0, layer.PreparedFloats);
        var y = Poisoned(k.N, k.O, k.OH, k.OW);
        layer.Forward(Upload(k.X, k.N, k.C, k.H, k.W), y);
        var expected = Reference(k, ToDouble(k.X));
        AssertClose(expected, y.ToArray(), Tolerance(4, expected), "layer forward");
        // F(4x4)'s filters (a 16 x 16 output): 36 positions of [O, C], O rounded up to the micro-kernel's 6 rows.
        Assert.Equal(36L * 36 * 32, layer.PreparedFloats);
        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var dx = Poisoned(k.N, k.C, k.H, k.W);
        layer.Backward(Upload(k.X, k.N, k.C, k.H, k.W), y, Upload(dy, k.N, k.O, k.OH, k.OW), dx);
        var expectedDx = ReferenceBackward(k, dy);
        AssertClose(expectedDx, dx.ToArray(), Tolerance(4, expectedDx), "layer backward");
        Assert.Equal(2 * 36L * 36 * 32, layer.PreparedFloats);
        layer.Forward(Upload(k.X, k.N, k.C, k.H, k.W), y);
        Assert.Equal(2 * 36L * 36 * 32, layer.PreparedFloats);
        // Disposing the layer frees its weight, bias and prepared forms, all of which the device counted.
        var held = Device.AllocatedBytes;
        layer.Dispose();
        Assert.Equal(held - (k.Weight.Length + k.O + 2 * 36L * 36 * 32) * sizeof(float), Device.AllocatedBytes);
    }

    [Fact]
    public void The_rule_takes_winograd_for_wide_3x3_stride_1_layers_only()
    {
        var same = Conv2dSettings.Square(1, 1);
        Assert.Equal(4, Conv2d.WinogradTileFor(3, 3, same, 64, 64, 56, 56, Conv2dCpuAlgorithm.Auto));
        Assert.Equal(2, Conv2d.WinogradTileFor(3, 3, same, 512, 512, 7, 7, Conv2dCpuAlgorithm.Auto));
        Assert.Equal(0, Conv2d.WinogradTileFor(3, 3, same, 3, 64, 224, 224, Conv2dCpuAlgorithm.Auto));
        Assert.Equal(0, Conv2d.WinogradTileFor(3, 3, Conv2dSettings.Square(2, 1), 64, 64, 28, 28, Conv2dCpuAlgorithm.Auto));
        Assert.Equal(0, Conv2d.WinogradTileFor(3, 3, Conv2dSettings.Square(1, 2, dilation: 2), 64, 64, 56, 56, Conv2dCpuAlgorithm.Winograd4));
        Assert.Equal(0, Conv2d.WinogradTileFor(3, 3, Conv2dSettings.Square(1, 1, groups: 2), 64, 64, 56, 56, Conv2dCpuAlgorithm.Winograd2));
        Assert.Equal(0, Conv2d.WinogradTileFor(3, 3, Conv2dSettings.Square(1, 3), 64, 64, 60, 60, Conv2dCpuAlgorithm.Winograd2));
        Assert.Equal(0, Conv2d.WinogradTileFor(1, 1, Conv2dSettings.Square(), 64, 64, 56, 56, Conv2dCpuAlgorithm.Winograd2));
    }
}
