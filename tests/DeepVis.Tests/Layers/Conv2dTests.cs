using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Layers;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>Random convolution problems, their references and runs, for the convolution test classes below.</summary>
public abstract class Conv2dCases(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    /// <summary>A random problem: batch 1-3, input channels, filters, odd and even sizes.</summary>
    protected sealed record Case(int N, int C, int H, int W, int O, int KH, int KW, Conv2dSettings S, float[] X, float[] Weight, float[]? Bias)
    {
        public int OH => (H + 2 * S.PadH - KH) / S.StrideH + 1;
        public int OW => (W + 2 * S.PadW - KW) / S.StrideW + 1;
    }

    protected Case Make(int kh, int kw, int stride, int pad, bool bias) =>
        Make(kh, kw, Conv2dSettings.Symmetric(stride, stride, pad, pad), bias);

    protected Case Make(int kh, int kw, Conv2dSettings s, bool bias)
    {
        var (n, c, o) = (Between(1, 3), Between(1, 4), Between(1, 5));
        var h = Between(Math.Max(1, kh - 2 * s.PadH), Math.Max(1, kh - 2 * s.PadH) + 6);
        var w = Between(Math.Max(1, kw - 2 * s.PadW), Math.Max(1, kw - 2 * s.PadW) + 6);
        return new Case(n, c, h, w, o, kh, kw, s, Uniform(n * c * h * w), Uniform(o * c * kh * kw), bias ? Uniform(o) : null);
    }

    /// <summary>Sums of up to 1,100 products (11x11 taps, 9 channels): float32 rounding reaches 1e-5 absolute.</summary>
    protected const double LargeTolerance = 5e-5;

    /// <summary>A problem that spans several tiles of every tiling tested: rows, channels and filter taps all beyond one tile, none a multiple of it.</summary>
    protected Case MakeLarge(int kh, int kw, int stride, int pad, bool bias)
    {
        var s = Conv2dSettings.Square(stride, pad);
        var (n, c, o) = (Between(1, 2), Between(5, 9), Between(17, 40));
        var h = Between(Math.Max(1, kh - 2 * pad) + 3 * stride, Math.Max(1, kh - 2 * pad) + 10 * stride);
        var w = Between(Math.Max(1, kw - 2 * pad) + 3 * stride, Math.Max(1, kw - 2 * pad) + 10 * stride);
        return new Case(n, c, h, w, o, kh, kw, s, Uniform(n * c * h * w), Uniform(o * c * kh * kw), bias ? Uniform(o) : null);
    }

    protected double[] Reference(Case k, double[] x) => Conv2dReference.Forward(x, k.N, k.C, k.H, k.W, ToDouble(k.Weight),
        k.O, k.KH, k.KW, k.Bias is null ? null : ToDouble(k.Bias), k.S.StrideH, k.S.StrideW, k.S.PadH, k.S.PadW, out _, out _);

    protected float[] RunForward(Case k, GemmTiling? tiling = null, CpuBlocking? blocking = null)
    {
        var y = Poisoned(k.N, k.O, k.OH, k.OW);
        Conv2d.Forward(Upload(k.X, k.N, k.C, k.H, k.W), Upload(k.Weight, k.O, k.C, k.KH, k.KW),
            k.Bias is null ? null : Upload(k.Bias, k.O), y, k.S, tiling, blocking);
        return y.ToArray();
    }

    protected float[] RunBackward(Case k, float[] dy, GemmTiling? tiling = null, CpuBlocking? blocking = null)
    {
        var dx = Poisoned(k.N, k.C, k.H, k.W);
        Conv2d.BackwardInput(Upload(dy, k.N, k.O, k.OH, k.OW), Upload(k.Weight, k.O, k.C, k.KH, k.KW), dx, k.S, tiling, blocking);
        return dx.ToArray();
    }

    protected double[] ReferenceBackward(Case k, float[] dy) => Conv2dReference.BackwardInput(ToDouble(dy), k.N, k.C, k.H, k.W,
        ToDouble(k.Weight), k.O, k.KH, k.KW, k.S.StrideH, k.S.StrideW, k.S.PadH, k.S.PadW);

    // The zoo's settings (VGG 3x3/1/1; AlexNet 11x11/4/2, 5x5/1/2; GoogLeNet 7x7/2/3, 1x1) and some others.
    public static TheoryData<int, int, int, int, bool> Settings => new()
    {
        { 3, 3, 1, 1, true }, { 11, 11, 4, 2, true }, { 5, 5, 1, 2, true }, { 7, 7, 2, 3, true }, { 1, 1, 1, 0, true },
        { 3, 3, 2, 0, false }, { 2, 3, 1, 1, false }, { 3, 1, 3, 2, true }, { 4, 4, 2, 1, false },
    };

    /// <summary>Forward and backward of a large problem against the references, finite differences and the adjoint identity.</summary>
    protected void AssertLargeProblem(Case k, string what, GemmTiling? tiling = null, CpuBlocking? blocking = null)
    {
        AssertClose(Reference(k, ToDouble(k.X)), RunForward(k, tiling, blocking), LargeTolerance, $"{what} forward");
        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var dx = RunBackward(k, dy, tiling, blocking);
        AssertClose(ReferenceBackward(k, dy), dx, LargeTolerance, $"{what} backward");
        AssertGradient(x => Reference(k, x), ToDouble(k.X), ToDouble(dy), dx, $"{what} backward");
        AssertAdjoint(k.X, RunForward(k with { Bias = null }, tiling, blocking), dy, dx, what);
    }
}

/// <summary>Every implementation against the references, on small random problems of every setting.</summary>
public abstract class Conv2dTests(DeviceFixture fixture, Implementation implementation) : Conv2dCases(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : Conv2dTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : Conv2dTests(fixture, Implementation.Ilgpu);

    [Theory]
    [MemberData(nameof(Settings))]
    public void Forward_matches_reference(int kh, int kw, int stride, int pad, bool bias)
    {
        var k = Make(kh, kw, stride, pad, bias);
        AssertClose(Reference(k, ToDouble(k.X)), RunForward(k), 1e-5, $"conv2d {kh}x{kw}/{stride}/{pad} forward");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_matches_reference_and_finite_differences(int kh, int kw, int stride, int pad, bool bias)
    {
        var k = Make(kh, kw, stride, pad, bias);
        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var dx = RunBackward(k, dy);
        AssertClose(ReferenceBackward(k, dy), dx, 1e-5, $"conv2d {kh}x{kw}/{stride}/{pad} backward");
        AssertGradient(x => Reference(k, x), ToDouble(k.X), ToDouble(dy), dx, $"conv2d {kh}x{kw}/{stride}/{pad} backward");
    }

    [Theory]
    [InlineData(3, 3, 1, 1)]
    [InlineData(11, 11, 4, 2)]
    [InlineData(7, 7, 2, 3)]
    [InlineData(2, 3, 3, 1)]
    public void Backward_is_the_adjoint_of_forward(int kh, int kw, int stride, int pad)
    {
        // The identity holds for the linear map: no bias.
        var k = Make(kh, kw, stride, pad, bias: false);
        var y = Uniform(k.N * k.O * k.OH * k.OW);
        AssertAdjoint(k.X, RunForward(k), y, RunBackward(k, y), $"conv2d {kh}x{kw}/{stride}/{pad}");
    }

    // Stride and padding differ between the axes, so a kernel that mixes them up fails.
    [Theory]
    [InlineData(3, 2, 1, 2, 0, 1)]
    [InlineData(2, 5, 3, 1, 1, 2)]
    [InlineData(1, 3, 2, 3, 0, 0)]
    public void Per_axis_settings_match_reference(int kh, int kw, int strideH, int strideW, int padH, int padW)
    {
        var s = Conv2dSettings.Symmetric(strideH, strideW, padH, padW);
        var k = Make(kh, kw, s, bias: true);
        var what = $"conv2d {kh}x{kw} {s}";
        AssertClose(Reference(k, ToDouble(k.X)), RunForward(k), 1e-5, $"{what} forward");

        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var dx = RunBackward(k, dy);
        AssertClose(ReferenceBackward(k, dy), dx, 1e-5, $"{what} backward");
        AssertGradient(x => Reference(k, x), ToDouble(k.X), ToDouble(dy), dx, $"{what} backward");

        var linear = k with { Bias = null };
        AssertAdjoint(k.X, RunForward(linear), dy, dx, what);
    }

    [Fact]
    public void Rejects_weight_with_wrong_input_channels()
    {
        var ex = Assert.Throws<ShapeException>(() => Conv2d.Forward(Upload(Uniform(2 * 9), 1, 2, 3, 3),
            Upload(Uniform(4 * 3 * 9), 4, 3, 3, 3), null, Poisoned(1, 4, 3, 3), Conv2dSettings.Square(1, 1)));
        Assert.Contains("[4, 3, 3, 3]", ex.Message);
        Assert.Contains("[1, 2, 3, 3]", ex.Message);
    }

    [Fact]
    public void Rejects_wrong_output_shape()
    {
        var ex = Assert.Throws<ShapeException>(() => Conv2d.Forward(Upload(Uniform(2 * 9), 1, 2, 3, 3),
            Upload(Uniform(4 * 2 * 9), 4, 2, 3, 3), null, Poisoned(1, 4, 2, 2), Conv2dSettings.Square(1, 1)));
        Assert.Contains("expected shape [1, 4, 3, 3], got [1, 4, 2, 2]", ex.Message);
    }

    [Fact]
    public void Rejects_wrong_bias_shape()
    {
        var ex = Assert.Throws<ShapeException>(() => Conv2d.Forward(Upload(Uniform(2 * 9), 1, 2, 3, 3),
            Upload(Uniform(4 * 2 * 9), 4, 2, 3, 3), Upload(Uniform(3), 3), Poisoned(1, 4, 3, 3), Conv2dSettings.Square(1, 1)));
        Assert.Contains("conv2d bias: expected shape [4], got [3]", ex.Message);
    }

    [Fact]
    public void Backward_rejects_wrong_output_gradient_shape()
    {
        var ex = Assert.Throws<ShapeException>(() => Conv2d.BackwardInput(Upload(Uniform(4 * 4), 1, 4, 2, 2),
            Upload(Uniform(4 * 2 * 9), 4, 2, 3, 3), Poisoned(1, 2, 5, 5), Conv2dSettings.Square()));
        Assert.Contains("conv2d output gradient: expected shape [1, 4, 3, 3], got [1, 4, 2, 2]", ex.Message);
    }

    [Fact]
    public void Rejects_kernel_larger_than_padded_input()
    {
        var ex = Assert.Throws<ShapeException>(() => Conv2d.Forward(Upload(Uniform(4), 1, 1, 2, 2),
            Upload(Uniform(25), 1, 1, 5, 5), null, Poisoned(1, 1, 1, 1), Conv2dSettings.Square()));
        Assert.Contains("5x5", ex.Message);
    }
}

/// <summary>The implicit-GEMM kernels (what GPUs run), forced on the ILGPU device whatever it would choose.</summary>
public sealed class Conv2dTilingTests(DeviceFixture fixture) : Conv2dCases(fixture, Implementation.Ilgpu)
{
    // The implicit-GEMM kernels (what GPUs run) with the CPU accelerator's own layout, on every setting.
    [Theory]
    [MemberData(nameof(Settings))]
    public void Tiled_kernels_match_reference_and_finite_differences(int kh, int kw, int stride, int pad, bool bias)
    {
        var k = MakeLarge(kh, kw, stride, pad, bias);
        var tiling = GemmTiling.For(Device);
        AssertLargeProblem(k, $"tiled {tiling} conv2d {kh}x{kw}/{stride}/{pad} [{k.N}, {k.C}, {k.H}, {k.W}] -> {k.O}", tiling);
    }

    // Thin and wide layouts reach the kernel's largest tiles (64 rows or 64 channels), as a 16 x 16 GPU group does.
    [Theory]
    [InlineData(16, 1)]
    [InlineData(1, 16)]
    [InlineData(2, 8)]
    [InlineData(1, 1)]
    public void Every_tiling_matches_reference(int threadsM, int threadsP)
    {
        var tiling = new GemmTiling(threadsM, threadsP);
        foreach (var (kh, stride, pad) in new[] { (3, 1, 1), (11, 4, 2) })
        {
            var k = MakeLarge(kh, kh, stride, pad, bias: true);
            var what = $"tiled {tiling} conv2d {kh}x{kh}/{stride}/{pad}";
            AssertClose(Reference(k, ToDouble(k.X)), RunForward(k, tiling), LargeTolerance, $"{what} forward");
            var dy = Uniform(k.N * k.O * k.OH * k.OW);
            AssertClose(ReferenceBackward(k, dy), RunBackward(k, dy, tiling), LargeTolerance, $"{what} backward");
            var linear = k with { Bias = null };
            AssertAdjoint(k.X, RunForward(linear, tiling), dy, RunBackward(k, dy, tiling), what);
        }
    }

    [Fact]
    public void Rejects_a_tiling_the_device_cannot_run()
    {
        var ex = Assert.Throws<ArgumentException>(() => RunForward(MakeLarge(3, 3, 1, 1, true), new GemmTiling(32, 1)));
        Assert.Contains("threads per side must be 1 to 16, got 32 x 1", ex.Message);
    }
}

/// <summary>
/// The cpu device's packed products on problems that span several column and depth blocks of the
/// default blocking, and with blocks far smaller than the default, so that small problems cross every
/// row, column, depth and channel-group boundary, none of them a multiple of the block.
/// </summary>
public sealed class Conv2dCpuBlockingTests(DeviceFixture fixture) : Conv2dCases(fixture, Implementation.Cpu)
{
    [Theory]
    [MemberData(nameof(Settings))]
    public void Default_blocks_match_reference(int kh, int kw, int stride, int pad, bool bias) =>
        AssertLargeProblem(MakeLarge(kh, kw, stride, pad, bias), $"cpu conv2d {kh}x{kw}/{stride}/{pad}");

    [Theory]
    [MemberData(nameof(Settings))]
    public void Small_blocks_match_reference(int kh, int kw, int stride, int pad, bool bias) =>
        AssertLargeProblem(MakeLarge(kh, kw, stride, pad, bias), $"cpu blocks conv2d {kh}x{kw}/{stride}/{pad}", blocking: new CpuBlocking(12, 32, 7, 200));

    [Fact]
    public void Rejects_a_blocking_the_micro_kernel_cannot_tile()
    {
        var ex = Assert.Throws<ArgumentException>(() => RunForward(Make(3, 3, 1, 1, true), blocking: new CpuBlocking(8, 32, 7, 200)));
        Assert.Contains("rows must be a positive multiple of 6, got 8", ex.Message);
    }
}
