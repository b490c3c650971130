using DeepVis.Kernels.Cpu;
using DeepVis.Ops;
using DeepVis.Kernels.Gemm;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>Random convolution problems, their references and runs, for the convolution test classes below.</summary>
public abstract class Conv2dCases(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    /// <summary>A random problem: batch 1-3, input channels, filters, odd and even sizes; weights [O, C / groups, KH, KW].</summary>
    protected sealed record Case(int N, int C, int H, int W, int O, int KH, int KW, Conv2dSettings S, float[] X, float[] Weight, float[]? Bias)
    {
        public int OH => Conv2dReference.OutputSize(H, W, KH, KW, S).OH;
        public int OW => Conv2dReference.OutputSize(H, W, KH, KW, S).OW;
        public int GroupC => C / S.Groups;
        public override string ToString() =>
            $"conv2d {KH}x{KW} {S.Text} [{N}, {C}, {H}, {W}] -> {O}";
    }

    protected Case Make(int kh, int kw, int stride, int pad, bool bias) =>
        Make(kh, kw, Conv2dSettings.Square(stride, pad), bias);

    /// <summary>A small problem; with groups, 1-3 channels and 1-3 filters per group unless given.</summary>
    protected Case Make(int kh, int kw, Conv2dSettings s, bool bias, int channelsPerGroup = 0, int filtersPerGroup = 0, int minBatch = 1)
    {
        var n = Between(minBatch, 3);
        var (c, o) = s.Groups == 1 && channelsPerGroup == 0 && filtersPerGroup == 0
            ? (Between(1, 4), Between(1, 5))
            : (s.Groups * (channelsPerGroup > 0 ? channelsPerGroup : Between(1, 3)), s.Groups * (filtersPerGroup > 0 ? filtersPerGroup : Between(1, 3)));
        var (h, w) = (Between(MinHeight(kh, s), MinHeight(kh, s) + 6), Between(MinWidth(kw, s), MinWidth(kw, s) + 6));
        return New(n, c, h, w, o, kh, kw, s, bias);
    }

    private static int MinHeight(int kh, Conv2dSettings s) => Math.Max(1, s.DilationH * (kh - 1) + 1 - s.PadTop - s.PadBottom);
    private static int MinWidth(int kw, Conv2dSettings s) => Math.Max(1, s.DilationW * (kw - 1) + 1 - s.PadLeft - s.PadRight);

    protected Case New(int n, int c, int h, int w, int o, int kh, int kw, Conv2dSettings s, bool bias) =>
        new(n, c, h, w, o, kh, kw, s, Uniform(n * c * h * w), Uniform(o * (c / s.Groups) * kh * kw), bias ? Uniform(o) : null);

    /// <summary>Sums of up to 1,100 products (11x11 taps, 9 channels): float32 rounding reaches 1e-5 absolute.</summary>
    protected const double LargeTolerance = 5e-5;

    /// <summary>A problem that spans several tiles of every tiling tested: rows, channels and filter taps all beyond one tile, none a multiple of it.</summary>
    protected Case MakeLarge(int kh, int kw, int stride, int pad, bool bias) => MakeLarge(kh, kw, Conv2dSettings.Square(stride, pad), bias);

    /// <summary>
    /// As above with any settings; with groups, each group has 2-5 channels and 5-20 filters (so that the groups
    /// together span several column tiles) unless given.
    /// </summary>
    protected Case MakeLarge(int kh, int kw, Conv2dSettings s, bool bias, int channelsPerGroup = 0, int filtersPerGroup = 0)
    {
        var n = Between(1, 2);
        var (c, o) = s.Groups == 1 && channelsPerGroup == 0 && filtersPerGroup == 0
            ? (Between(5, 9), Between(17, 40))
            : (s.Groups * (channelsPerGroup > 0 ? channelsPerGroup : Between(2, 5)), s.Groups * (filtersPerGroup > 0 ? filtersPerGroup : Between(5, 20)));
        var h = Between(MinHeight(kh, s) + 3 * s.StrideH, MinHeight(kh, s) + 10 * s.StrideH);
        var w = Between(MinWidth(kw, s) + 3 * s.StrideW, MinWidth(kw, s) + 10 * s.StrideW);
        return New(n, c, h, w, o, kh, kw, s, bias);
    }

    protected double[] Reference(Case k, double[] x) => Conv2dReference.Forward(x, k.N, k.C, k.H, k.W, ToDouble(k.Weight),
        k.O, k.KH, k.KW, k.Bias is null ? null : ToDouble(k.Bias), k.S);

    protected float[] RunForward(Case k, GemmTiling? tiling = null, CpuBlocking? blocking = null)
    {
        var y = Poisoned(k.N, k.O, k.OH, k.OW);
        Conv2d.Forward(Upload(k.X, k.N, k.C, k.H, k.W), Upload(k.Weight, k.O, k.GroupC, k.KH, k.KW),
            k.Bias is null ? null : Upload(k.Bias, k.O), y, k.S, tiling, blocking);
        return y.ToArray();
    }

    protected float[] RunBackward(Case k, float[] dy, GemmTiling? tiling = null, CpuBlocking? blocking = null)
    {
        var dx = Poisoned(k.N, k.C, k.H, k.W);
        Conv2d.BackwardInput(Upload(dy, k.N, k.O, k.OH, k.OW), Upload(k.Weight, k.O, k.GroupC, k.KH, k.KW), dx, k.S, tiling, blocking);
        return dx.ToArray();
    }

    protected double[] ReferenceBackward(Case k, float[] dy) => Conv2dReference.BackwardInput(ToDouble(dy), k.N, k.C, k.H, k.W,
        ToDouble(k.Weight), k.O, k.KH, k.KW, k.S);

    // The zoo's settings (VGG 3x3/1/1; AlexNet 11x11/4/2, 5x5/1/2; GoogLeNet 7x7/2/3, 1x1) and some others.
    public static TheoryData<int, int, int, int, bool> Settings => new()
    {
        { 3, 3, 1, 1, true }, { 11, 11, 4, 2, true }, { 5, 5, 1, 2, true }, { 7, 7, 2, 3, true }, { 1, 1, 1, 0, true },
        { 3, 3, 2, 0, false }, { 2, 3, 1, 1, false }, { 3, 1, 3, 2, true }, { 4, 4, 2, 1, false },
    };

    /// <summary>
    /// Groups, depthwise, dilation, rectangular kernels and asymmetric padding, by name (so that test names say
    /// what they cover): kernel size, settings for a number of groups, the groups (0: 2-6 at random), channels and
    /// filters per group (0: at random).
    /// </summary>
    protected sealed record General(int KH, int KW, Func<int, Conv2dSettings> Settings, int Groups = 1, int ChannelsPerGroup = 0,
        int FiltersPerGroup = 0);

    protected static readonly Dictionary<string, General> GeneralCases = new()
    {
        ["groups 2"] = new(3, 3, g => Conv2dSettings.Square(1, 1, groups: g), Groups: 2),
        ["groups 4, stride 2"] = new(3, 3, g => Conv2dSettings.Square(2, 1, groups: g), Groups: 4),
        ["groups 4, 1x1"] = new(1, 1, g => Conv2dSettings.Square(groups: g), Groups: 4),
        // The cpu device multiplies wide groups as products and runs narrow ones (up to 8 filters) directly: one of each.
        ["groups 2, 12 filters each"] = new(3, 3, g => Conv2dSettings.Square(1, 1, groups: g), Groups: 2, FiltersPerGroup: 12),
        ["groups 8, 4 channels and 4 filters each (ResNeXt)"] = new(3, 3, g => Conv2dSettings.Square(1, 1, groups: g), Groups: 8,
            ChannelsPerGroup: 4, FiltersPerGroup: 4),
        ["depthwise 3x3/1"] = new(3, 3, g => Conv2dSettings.Square(1, 1, groups: g), Groups: 0, ChannelsPerGroup: 1, FiltersPerGroup: 1),
        ["depthwise 3x3/2"] = new(3, 3, g => Conv2dSettings.Square(2, 1, groups: g), Groups: 0, ChannelsPerGroup: 1, FiltersPerGroup: 1),
        ["depthwise 5x5/2 pad 2"] = new(5, 5, g => Conv2dSettings.Square(2, 2, groups: g), Groups: 0, ChannelsPerGroup: 1, FiltersPerGroup: 1),
        ["depthwise 3x3 multiplier 2"] = new(3, 3, g => Conv2dSettings.Square(1, 1, groups: g), Groups: 0, ChannelsPerGroup: 1, FiltersPerGroup: 2),
        ["depthwise 3x3 dilation 2, asymmetric padding"] = new(3, 3, g => new Conv2dSettings(1, 2, 2, 1, 1, 3, 2, 2, g), Groups: 0,
            ChannelsPerGroup: 1, FiltersPerGroup: 1),
        ["dilation 2"] = new(3, 3, _ => Conv2dSettings.Square(1, 2, dilation: 2)),
        ["dilation 2x3, stride 2"] = new(3, 2, _ => Conv2dSettings.Symmetric(2, 2, 1, 2, dilationH: 2, dilationW: 3)),
        ["1x7, padding (0,3)"] = new(1, 7, _ => Conv2dSettings.Symmetric(1, 1, 0, 3)),
        ["7x1, padding (3,0)"] = new(7, 1, _ => Conv2dSettings.Symmetric(1, 1, 3, 0)),
        ["1x3, padding (0,1)"] = new(1, 3, _ => Conv2dSettings.Symmetric(1, 1, 0, 1)),
        ["3x1, padding (1,0)"] = new(3, 1, _ => Conv2dSettings.Symmetric(1, 1, 1, 0)),
        ["asymmetric padding (0,1,1,0)"] = new(3, 3, _ => new Conv2dSettings(1, 1, 0, 1, 1, 0)),
        ["asymmetric padding (0,1,1,0), stride 2"] = new(3, 3, _ => new Conv2dSettings(2, 2, 0, 1, 1, 0)),
        ["everything: 3x2, stride 2x1, padding (1,0,2,1), dilation 2x1, groups 3"] =
            new(3, 2, g => new Conv2dSettings(2, 1, 1, 0, 2, 1, 2, 1, g), Groups: 3),
    };

    public static TheoryData<string> GeneralNames => new(GeneralCases.Keys);

    protected Case MakeGeneral(string name, bool large = false)
    {
        var c = GeneralCases[name];
        var s = c.Settings(c.Groups > 0 ? c.Groups : Between(2, large ? 9 : 6));
        return large
            ? MakeLarge(c.KH, c.KW, s, bias: true, c.ChannelsPerGroup, c.FiltersPerGroup)
            : Make(c.KH, c.KW, s, bias: true, c.ChannelsPerGroup, c.FiltersPerGroup, minBatch: 2);
    }

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

    [Theory]
    [MemberData(nameof(GeneralNames))]
    public void General_settings_match_reference_finite_differences_and_adjoint(string name)
    {
        var k = MakeGeneral(name);
        AssertLargeProblem(k, $"{name}: {k}");
    }

    [Fact]
    public void Rejects_groups_that_do_not_divide_the_channels()
    {
        var ex = Assert.Throws<ShapeException>(() => Conv2d.Forward(Upload(Uniform(6 * 9), 1, 6, 3, 3),
            Upload(Uniform(4 * 2 * 9), 4, 2, 3, 3), null, Poisoned(1, 4, 3, 3), Conv2dSettings.Square(1, 1, groups: 4)));
        Assert.Contains("4 groups", ex.Message);
        Assert.Contains("[1, 6, 3, 3]", ex.Message);
        Assert.Contains("[4, 2, 3, 3]", ex.Message);
    }

    [Fact]
    public void Rejects_weight_with_wrong_channels_per_group()
    {
        var ex = Assert.Throws<ShapeException>(() => Conv2d.BackwardInput(Upload(Uniform(4 * 9), 1, 4, 3, 3),
            Upload(Uniform(4 * 4 * 9), 4, 4, 3, 3), Poisoned(1, 4, 3, 3), Conv2dSettings.Square(1, 1, groups: 2)));
        Assert.Contains("expected 2 input channels per filter", ex.Message);
        Assert.Contains("[4, 4, 3, 3]", ex.Message);
    }

    [Fact]
    public void Rejects_settings_out_of_range()
    {
        var ex = Assert.Throws<ArgumentException>(() => Conv2d.Forward(Upload(Uniform(9), 1, 1, 3, 3),
            Upload(Uniform(9), 1, 1, 3, 3), null, Poisoned(1, 1, 1, 1), Conv2dSettings.Square(1, 0, dilation: 0)));
        Assert.Contains("dilation must be at least 1, got 0x0", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => Conv2d.OutputSize(5, 5, 3, 3, new Conv2dSettings(1, 1, 0, -1, 0, 0)));
        Assert.Contains("padding must be at least 0", ex.Message);
    }

    [Fact]
    public void Output_size_follows_pytorch()
    {
        Assert.Equal((56, 56), Conv2d.OutputSize(56, 56, 3, 3, Conv2dSettings.Square(1, 1, groups: 144)));
        Assert.Equal((28, 28), Conv2d.OutputSize(56, 56, 3, 3, Conv2dSettings.Square(2, 1)));
        Assert.Equal((17, 17), Conv2d.OutputSize(17, 17, 1, 7, Conv2dSettings.Symmetric(1, 1, 0, 3)));
        // floor((in + padBegin + padEnd - dilation (k - 1) - 1) / stride) + 1
        Assert.Equal((8, 4), Conv2d.OutputSize(12, 9, 3, 3, new Conv2dSettings(1, 2, 0, 1, 0, 0, 2, 1)));
        Assert.Equal((28, 28), Conv2d.OutputSize(56, 56, 3, 3, new Conv2dSettings(2, 2, 0, 1, 1, 0)));
        var ex = Assert.Throws<ShapeException>(() => Conv2d.OutputSize(4, 4, 3, 3, Conv2dSettings.Square(dilation: 2)));
        Assert.Contains("3x3 (dilated to 5x5) is larger than the padded input 4x4", ex.Message);
    }

    [Fact]
    public void Settings_text_is_short_for_common_settings()
    {
        Assert.Equal("stride 1, padding 1", Conv2dSettings.Square(1, 1).Text);
        Assert.Equal("stride 1, padding 0", new Conv2dSettings(1, 1, 0, 0, 0, 0).Text);
        Assert.Equal("stride 2x1, padding (0,1,0,1), dilation 2, groups 32",
            Conv2dSettings.Symmetric(2, 1, 0, 1, dilationH: 2, dilationW: 2, groups: 32).Text);
        Assert.Equal("stride 1, padding (0,1,1,0), dilation 1x2", new Conv2dSettings(1, 1, 0, 1, 1, 0, 1, 2).Text);
        Assert.Equal(new Conv2dSettings(1, 1, 3, 0, 3, 0), Conv2dSettings.Symmetric(1, 1, 3, 0));
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

    // Groups folded into the grid (and depthwise, which the device would run directly), on every general setting.
    [Theory]
    [MemberData(nameof(GeneralNames))]
    public void Tiled_kernels_match_reference_on_general_settings(string name)
    {
        var k = MakeGeneral(name, large: true);
        var tiling = GemmTiling.For(Device);
        AssertLargeProblem(k, $"tiled {tiling} {name}: {k}", tiling);
    }

    // Thin, wide and single-thread layouts with groups: the column tiles of one group never reach into the next.
    [Theory]
    [InlineData(16, 1)]
    [InlineData(1, 16)]
    [InlineData(1, 1)]
    public void Every_tiling_matches_reference_with_groups(int threadsM, int threadsP)
    {
        var tiling = new GemmTiling(threadsM, threadsP);
        foreach (var name in new[] { "groups 4, stride 2", "depthwise 3x3/2", "dilation 2x3, stride 2", "asymmetric padding (0,1,1,0)" })
        {
            var k = MakeGeneral(name, large: true);
            AssertLargeProblem(k, $"tiled {tiling} {name}: {k}", tiling);
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

    [Theory]
    [MemberData(nameof(GeneralNames))]
    public void General_settings_match_reference_with_default_and_small_blocks(string name)
    {
        var k = MakeGeneral(name, large: true);
        AssertLargeProblem(k, $"cpu {name}: {k}");
        AssertLargeProblem(k, $"cpu blocks {name}: {k}", blocking: new CpuBlocking(12, 32, 7, 200));
    }

    // A MobileNetV2-sized depthwise layer: rows of 56 reach the 32-wide and 8-wide loops and the scalar tail,
    // and at stride 2 the vectorized split into (and merge from) the two column phases, from an odd and an even column.
    [Theory]
    [InlineData(1, 3, 1)]
    [InlineData(2, 3, 1)]
    [InlineData(2, 5, 2)]
    [InlineData(2, 3, 0)]
    public void Depthwise_on_a_mobilenet_sized_plane_matches_reference(int stride, int kernel, int pad)
    {
        var k = New(2, 6, 57, 55 + pad, 6, kernel, kernel, Conv2dSettings.Square(stride, pad, groups: 6), bias: true);
        AssertLargeProblem(k, $"cpu depthwise {k}");
    }

    // The partition is fixed by the problem: grouped and depthwise layers give the same bits with any thread count.
    // (Large enough that every loop splits into work items.)
    [Theory]
    [InlineData(4, 2, 3, 1)]
    [InlineData(2, 3, 10, 2)]
    [InlineData(8, 1, 1, 1)]
    [InlineData(8, 1, 1, 2)]
    public void Same_bits_with_any_thread_count(int groups, int channelsPerGroup, int filtersPerGroup, int stride)
    {
        var k = New(2, groups * channelsPerGroup, 41, 38, groups * filtersPerGroup, 3, 3,
            Conv2dSettings.Square(stride, 1, groups: groups), bias: true);
        var dy = Uniform(k.N * k.O * k.OH * k.OW);
        var threads = Device.HostThreads;
        try
        {
            var runs = new[] { 1, 2, 3 }.Select(count =>
            {
                Device.HostThreads = count;
                return (Forward: RunForward(k), Backward: RunBackward(k, dy));
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

    [Fact]
    public void Rejects_a_blocking_the_micro_kernel_cannot_tile()
    {
        var ex = Assert.Throws<ArgumentException>(() => RunForward(Make(3, 3, 1, 1, true), blocking: new CpuBlocking(8, 32, 7, 200)));
        Assert.Contains("rows must be a positive multiple of 6, got 8", ex.Message);
    }
}
