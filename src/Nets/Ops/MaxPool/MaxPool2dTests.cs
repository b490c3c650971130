using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

public abstract class MaxPool2dTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : MaxPool2dTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : MaxPool2dTests(fixture, Implementation.Ilgpu);

    /// <summary>
    /// The zoo's settings (VGG k2 s2, AlexNet k3 s2, GoogLeNet k3 s2 / k3 s1 p1 with ceil mode) and more,
    /// then ONNX's asymmetric pads (top, left, bottom, right): TensorFlow's SAME, padding past half the
    /// kernel, and ceil mode on top; then ONNX's dilations (taps d apart), with pads and ceil mode, and
    /// windows that straddle a small input with no tap inside it (-inf, no gradient).
    /// </summary>
    public static TheoryData<int, int, int, int, int, int, int, int, bool, int, int> Settings => new()
    {
        { 2, 2, 2, 2, 0, 0, 0, 0, false, 1, 1 },
        { 3, 3, 2, 2, 0, 0, 0, 0, false, 1, 1 },
        { 3, 3, 2, 2, 0, 0, 0, 0, true, 1, 1 },
        { 3, 3, 1, 1, 1, 1, 1, 1, true, 1, 1 },
        { 3, 3, 2, 2, 1, 1, 1, 1, false, 1, 1 },
        { 2, 2, 2, 2, 1, 1, 1, 1, true, 1, 1 },
        { 3, 2, 2, 1, 1, 0, 1, 0, false, 1, 1 },
        { 2, 3, 1, 3, 0, 1, 0, 1, true, 1, 1 },
        { 3, 3, 2, 2, 0, 0, 1, 1, false, 1, 1 },
        { 2, 2, 1, 1, 0, 0, 1, 1, false, 1, 1 },
        { 3, 3, 2, 2, 1, 1, 0, 0, true, 1, 1 },
        { 3, 3, 1, 1, 2, 0, 1, 2, false, 1, 1 },
        { 5, 3, 2, 1, 4, 0, 2, 2, true, 1, 1 },
        { 3, 3, 3, 3, 0, 2, 2, 0, true, 1, 1 },
        { 2, 2, 1, 1, 0, 0, 0, 0, false, 2, 2 },
        { 3, 3, 1, 1, 2, 2, 2, 2, false, 2, 3 },
        { 3, 2, 2, 1, 1, 0, 0, 1, true, 3, 2 },
        { 2, 2, 3, 3, 0, 0, 1, 1, true, 4, 4 },
    };

    private (int[] Shape, int[] OutShape) RandomShapes(Pool2dSettings s)
    {
        // Odd and even sizes, at least one window per axis, batch > 1.
        var (spanH, spanW) = ((s.KernelH - 1) * s.DilationH + 1, (s.KernelW - 1) * s.DilationW + 1);
        int[] shape = [Between(2, 3), Between(1, 3), Between(Math.Max(1, spanH - s.PadTop - s.PadBottom), 11), Between(Math.Max(1, spanW - s.PadLeft - s.PadRight), 11)];
        var (oh, ow) = MaxPool2dReference.OutputSize(shape[2], shape[3], s);
        return (shape, [shape[0], shape[1], oh, ow]);
    }

    private static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    [Theory]
    [MemberData(nameof(Settings))]
    public void Forward_matches_reference(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, bool ceil, int dh, int dw)
    {
        var s = new Pool2dSettings(kh, kw, sh, sw, pt, pl, pb, pr, ceil, dh, dw);
        var (shape, outShape) = RandomShapes(s);
        Assert.Equal(outShape, MaxPool2d.OutputShape(shape, s));
        var x = Uniform(Count(shape));
        var y = Poisoned(outShape);
        MaxPool2d.Forward(Upload(x, shape), y, s);
        AssertClose(MaxPool2dReference.Forward(ToDouble(x), shape, s), y.ToArray(), 0, $"max-pool forward {s} on {Tensor.Format(shape)}");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_matches_reference(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, bool ceil, int dh, int dw)
    {
        var s = new Pool2dSettings(kh, kw, sh, sw, pt, pl, pb, pr, ceil, dh, dw);
        var (shape, outShape) = RandomShapes(s);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var dx = Poisoned(shape);
        MaxPool2d.Backward(Upload(x, shape), Upload(dy, outShape), dx, s);
        AssertClose(MaxPool2dReference.Backward(ToDouble(x), shape, ToDouble(dy), s), dx.ToArray(), 1e-6,
            $"max-pool backward {s} on {Tensor.Format(shape)}");
    }

    [Theory]
    [MemberData(nameof(Settings))]
    public void Backward_matches_finite_differences(int kh, int kw, int sh, int sw, int pt, int pl, int pb, int pr, bool ceil, int dh, int dw)
    {
        var s = new Pool2dSettings(kh, kw, sh, sw, pt, pl, pb, pr, ceil, dh, dw);
        var (shape, outShape) = RandomShapes(s);
        // Continuous random inputs: ties (where max is not differentiable) have probability zero,
        // and the step is far below the gap between distinct float values' neighbours.
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var dx = Poisoned(shape);
        MaxPool2d.Backward(Upload(x, shape), Upload(dy, outShape), dx, s);
        AssertGradient(v => MaxPool2dReference.Forward(v, shape, s), ToDouble(x), ToDouble(dy), dx.ToArray(),
            $"max-pool backward {s}", step: 1e-9);
    }

    [Fact]
    public void Forward_and_backward_match_reference_on_large_planes()
    {
        // Enough planes and windows for the CPU kernels to split the work over threads.
        var s = new Pool2dSettings(3, 2, 1, ceilMode: true);
        int[] shape = [2, 4, 48, 45];
        var outShape = MaxPool2d.OutputShape(shape, s);
        var (x, dy) = (Uniform(Count(shape)), Uniform(Count(outShape)));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        var input = Upload(x, shape);
        MaxPool2d.Forward(input, y, s);
        MaxPool2d.Backward(input, Upload(dy, outShape), dx, s);
        AssertClose(MaxPool2dReference.Forward(ToDouble(x), shape, s), y.ToArray(), 0, $"max-pool forward {s} on {Tensor.Format(shape)}");
        AssertClose(MaxPool2dReference.Backward(ToDouble(x), shape, ToDouble(dy), s), dx.ToArray(), 1e-6,
            $"max-pool backward {s} on {Tensor.Format(shape)}");
    }

    // VGG's 2x2/2 windows on rows wide enough for eight windows at a time and a remainder, with an
    // odd height and width (the last row and column belong to no window) and repeated values.
    [Fact]
    public void Pair_windows_match_reference_on_wide_rows_with_ties()
    {
        var s = new Pool2dSettings(2, 2);
        int[] shape = [2, 3, 17, 51];
        var outShape = MaxPool2d.OutputShape(shape, s);
        var x = Uniform(Count(shape));
        for (var i = 0; i < x.Length; i += 3) x[i] = MathF.Round(x[i] * 2) / 2;
        var dy = Uniform(Count(outShape));
        var (y, dx) = (Poisoned(outShape), Poisoned(shape));
        var input = Upload(x, shape);
        MaxPool2d.Forward(input, y, s);
        MaxPool2d.Backward(input, Upload(dy, outShape), dx, s);
        AssertClose(MaxPool2dReference.Forward(ToDouble(x), shape, s), y.ToArray(), 0, "max-pool 2x2/2 forward on wide rows");
        AssertClose(MaxPool2dReference.Backward(ToDouble(x), shape, ToDouble(dy), s), dx.ToArray(), 0, "max-pool 2x2/2 backward on wide rows");
    }

    [Fact]
    public void Pair_windows_keep_nan_and_the_first_tied_zero_on_wide_rows()
    {
        // Zeros of random sign everywhere: every window ties, so its output is its top-left zero.
        var s = new Pool2dSettings(2, 2);
        int[] shape = [1, 1, 4, 40];
        var x = new float[160];
        for (var i = 0; i < x.Length; i++) x[i] = Rng.Next(2) == 0 ? -0f : 0f;
        // NaN in each position of a window, in windows that the eight-wide and the scalar paths take.
        foreach (var at in new[] { 2, 5, 40 + 8, 40 + 11, 80 + 36, 120 + 39 }) x[at] = float.NaN;
        var y = Poisoned(1, 1, 2, 20);
        MaxPool2d.Forward(Upload(x, shape), y, s);
        var values = y.ToArray();
        for (var o = 0; o < 40; o++)
        {
            var (oh, ow) = (o / 20, o % 20);
            var window = new[] { x[2 * oh * 40 + 2 * ow], x[2 * oh * 40 + 2 * ow + 1], x[(2 * oh + 1) * 40 + 2 * ow], x[(2 * oh + 1) * 40 + 2 * ow + 1] };
            if (window.Any(float.IsNaN))
                Assert.True(float.IsNaN(values[o]), $"window {o} holds NaN, output {values[o]}; {Replay}");
            else
                Assert.True(values[o] == 0f && float.IsNegative(values[o]) == float.IsNegative(window[0]),
                    $"window {o} ties at zero: output {values[o]} should keep the top-left's sign; {Replay}");
        }
    }

    [Fact]
    public void Ties_send_the_gradient_to_the_first_maximum_only()
    {
        // Each 2x2 window of a plane holds one value four times; with overlapping 3x3 windows (s1 p1)
        // a constant plane ties everywhere. The first maximum in row-major order takes all of dy.
        var s2 = new Pool2dSettings(2, 2);
        int[] shape = [2, 2, 4, 6];
        var x = new float[Count(shape)];
        for (var i = 0; i < x.Length; i++)
        {
            var (p, h, w) = (i / 24, i / 6 % 4, i % 6);
            x[i] = (p * 3 + h / 2 + w / 2) % 4;
        }
        int[] outShape = [2, 2, 2, 3];
        var dy = Uniform(Count(outShape), 0.5, 1.5);
        var dx = Poisoned(shape);
        MaxPool2d.Backward(Upload(x, shape), Upload(dy, outShape), dx, s2);
        var expected = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var (p, h, w) = (i / 24, i / 6 % 4, i % 6);
            if (h % 2 == 0 && w % 2 == 0) expected[i] = dy[(p * 2 + h / 2) * 3 + w / 2];
        }
        AssertClose(expected, dx.ToArray(), 0, "max-pool backward with ties (k2 s2)");

        var s3 = new Pool2dSettings(3, 1, 1, ceilMode: true);
        int[] flat = [1, 1, 3, 4];
        var ones = Enumerable.Repeat(1f, 12).ToArray();
        var dyFlat = Uniform(12, 0.5, 1.5);
        var dxFlat = Poisoned(flat);
        MaxPool2d.Backward(Upload(ones, flat), Upload(dyFlat, flat), dxFlat, s3);
        // Window (oh, ow) covers rows oh-1..oh+1 and columns ow-1..ow+1 clipped: its first cell is
        // (max(oh-1, 0), max(ow-1, 0)).
        var expectedFlat = new double[12];
        for (var oh = 0; oh < 3; oh++)
            for (var ow = 0; ow < 4; ow++)
                expectedFlat[Math.Max(oh - 1, 0) * 4 + Math.Max(ow - 1, 0)] += dyFlat[oh * 4 + ow];
        AssertClose(expectedFlat, dxFlat.ToArray(), 1e-6, "max-pool backward with ties (k3 s1 p1)");
    }

    [Fact]
    public void Forward_treats_padding_as_minus_infinity()
    {
        // All-negative input: a zero-padding implementation would output 0 on the border.
        var s = new Pool2dSettings(3, 2, 1);
        int[] shape = [2, 1, 5, 5];
        var x = Uniform(50, -2, -1);
        var y = Poisoned(MaxPool2d.OutputShape(shape, s));
        MaxPool2d.Forward(Upload(x, shape), y, s);
        var values = y.ToArray();
        Assert.All(values, v => Assert.True(v < -0.99f, $"max-pool output {v} should be one of the negative inputs; {Replay}"));
        AssertClose(MaxPool2dReference.Forward(ToDouble(x), shape, s), values, 0, "max-pool forward, negative input");
    }

    [Fact]
    public void Forward_propagates_nan_like_pytorch()
    {
        var s = new Pool2dSettings(2, 2);
        int[] shape = [2, 1, 4, 4];
        var x = Uniform(32);
        x[5] = float.NaN;
        var y = Poisoned(2, 1, 2, 2);
        MaxPool2d.Forward(Upload(x, shape), y, s);
        var values = y.ToArray();
        Assert.True(float.IsNaN(values[0]), $"the window holding NaN gives {values[0]}; {Replay}");
        Assert.All(values.Skip(1), v => Assert.False(float.IsNaN(v), $"a window without NaN gave NaN; {Replay}"));
    }

    [Fact]
    public void Forward_keeps_the_first_of_tied_zeros()
    {
        // -0 and +0 tie: the first maximum in row-major order is the output, sign included.
        var s = new Pool2dSettings(2, 2);
        int[] shape = [1, 1, 2, 6];
        float[] x = [-0f, 0f, 0f, -0f, -1f, 0f, 0f, 0f, -0f, 0f, -0f, -2f];
        var y = Poisoned(1, 1, 1, 3);
        MaxPool2d.Forward(Upload(x, shape), y, s);
        var signs = y.ToArray().Select(float.IsNegative).ToArray();
        Assert.True(signs.SequenceEqual([true, false, false]), $"max-pool output signs {string.Join(", ", signs)}, expected -0, +0, +0; {Replay}");
    }

    [Theory]
    // Sizes PyTorch's F.max_pool2d gives (torch 1.13): VGG, AlexNet, GoogLeNet and ceil-mode edge cases.
    [InlineData(224, 2, 2, 0, false, 112)]
    [InlineData(55, 3, 2, 0, false, 27)]
    [InlineData(13, 3, 2, 0, false, 6)]
    [InlineData(112, 3, 2, 0, true, 56)]
    [InlineData(14, 3, 2, 0, true, 7)]
    [InlineData(7, 3, 1, 1, true, 7)]
    [InlineData(7, 2, 2, 0, true, 4)]
    [InlineData(5, 2, 2, 1, true, 3)]
    [InlineData(6, 3, 3, 1, true, 3)]
    [InlineData(8, 3, 3, 1, true, 3)]
    [InlineData(1, 3, 2, 1, true, 1)]
    [InlineData(2, 3, 2, 1, true, 2)]
    public void Output_size_matches_pytorch(int input, int kernel, int stride, int pad, bool ceil, int expected)
    {
        Assert.Equal(expected, Pool2dSettings.OutputSize(input, kernel, stride, pad, pad, ceil));
        Assert.Equal([3, 4, expected, expected], MaxPool2d.OutputShape([3, 4, input, input], new Pool2dSettings(kernel, stride, pad, ceil)));
    }

    [Theory]
    // Sizes PyTorch's F.max_pool2d gives with dilation (torch 1.13): (input, kernel, stride, pad, dilation, ceil).
    [InlineData(7, 2, 1, 0, 2, false, 5)]
    [InlineData(8, 3, 2, 1, 2, false, 3)]
    [InlineData(8, 3, 2, 1, 2, true, 4)]
    [InlineData(10, 3, 3, 1, 3, true, 3)]
    [InlineData(5, 2, 1, 1, 3, false, 4)]
    [InlineData(9, 2, 2, 1, 4, true, 4)]
    public void Dilated_output_size_matches_pytorch(int input, int kernel, int stride, int pad, int dilation, bool ceil, int expected)
    {
        var s = new Pool2dSettings(kernel, kernel, stride, stride, pad, pad, pad, pad, ceil, dilation, dilation);
        Assert.Equal([3, 4, expected, expected], MaxPool2d.OutputShape([3, 4, input, input], s));
        Assert.Equal((expected, expected), MaxPool2dReference.OutputSize(input, input, s));
    }

    [Fact]
    public void A_dilated_window_with_no_tap_inside_the_input_is_minus_infinity_and_takes_no_gradient()
    {
        // 2x2 taps 3 apart from -1: rows and columns -1 and 2 of a 2x2 input, none inside (PyTorch gives -inf).
        var s = new Pool2dSettings(2, 2, 1, 1, 1, 1, 1, 1, false, 3, 3);
        int[] shape = [1, 1, 2, 2];
        Assert.Equal([1, 1, 1, 1], MaxPool2d.OutputShape(shape, s));
        var x = Upload(Uniform(4), shape);
        var y = Poisoned(1, 1, 1, 1);
        MaxPool2d.Forward(x, y, s);
        Assert.True(float.IsNegativeInfinity(y.ToArray()[0]), $"output {y.ToArray()[0]}, expected -inf; {Replay}");
        var dx = Poisoned(shape);
        MaxPool2d.Backward(x, Upload([1f], 1, 1, 1, 1), dx, s);
        AssertClose(new double[4], dx.ToArray(), 0, "max-pool backward of a window without taps");
    }

    [Fact]
    public void Rejects_a_dilation_below_one_and_average_pooling_rejects_any_dilation()
    {
        var ex = Assert.Throws<ArgumentException>(() => MaxPool2d.OutputShape([1, 1, 5, 5], new Pool2dSettings(2, 2, 1, 1, 0, 0, 0, 0, false, 0, 1)));
        Assert.Contains("dilation must be positive, got 0x1", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => AvgPool2d.OutputShape([1, 1, 5, 5], new Pool2dSettings(2, 2, 1, 1, 0, 0, 0, 0, false, 2, 2)));
        Assert.Contains("dilation must be 1, got 2x2", ex.Message);
    }

    [Fact]
    public void Rejects_mismatched_shapes()
    {
        var s = new Pool2dSettings(2, 2);
        var x = Upload(Uniform(2 * 3 * 5 * 7), 2, 3, 5, 7);
        var ex = Assert.Throws<ShapeException>(() => MaxPool2d.Forward(x, Poisoned(2, 3, 3, 3), s));
        Assert.Contains("output", ex.Message);
        Assert.Contains("[2, 3, 2, 3]", ex.Message);
        Assert.Contains("[2, 3, 3, 3]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => MaxPool2d.Backward(x, Poisoned(2, 3, 2, 3), Poisoned(2, 3, 5, 6), s));
        Assert.Contains("input gradient", ex.Message);
        Assert.Contains("[2, 3, 5, 7]", ex.Message);
        Assert.Contains("[2, 3, 5, 6]", ex.Message);

        ex = Assert.Throws<ShapeException>(() => MaxPool2d.Forward(Upload(Uniform(4), 1, 1, 1, 4), Poisoned(1, 1, 1, 1), new Pool2dSettings(3, 1)));
        Assert.Contains("[1, 1, 1, 4]", ex.Message);
        Assert.Contains("too small", ex.Message);
    }

    [Fact]
    public void Rejects_padding_as_large_as_the_kernel()
    {
        var ex = Assert.Throws<ArgumentException>(() =>
            MaxPool2d.Forward(Upload(Uniform(25), 1, 1, 5, 5), Poisoned(1, 1, 5, 5), new Pool2dSettings(3, 3, 1, 1, 2, 1, 3, 1)));
        Assert.Contains("padding", ex.Message);
        Assert.Contains("bottom 3", ex.Message);
        Assert.Contains("3x3", ex.Message);
        ex = Assert.Throws<ArgumentException>(() => MaxPool2d.OutputShape([1, 1, 5, 5], new Pool2dSettings(3, 2, 1, 1, 0, -1, 0, 0)));
        Assert.Contains("negative", ex.Message);
        // Padding past half the kernel (ONNX allows it, PyTorch does not) is accepted.
        Assert.Equal([1, 1, 7, 6], MaxPool2d.OutputShape([1, 1, 5, 5], Pool2dSettings.Symmetric(3, 2, 1, 1, 2, 1)));
        Assert.Equal([1, 1, 5, 5], MaxPool2d.OutputShape([1, 1, 5, 5], new Pool2dSettings(3, 3, 1, 1, 2, 0, 0, 2)));
    }

    [Fact]
    public void Settings_helpers_and_text()
    {
        Assert.Equal(new Pool2dSettings(3, 3, 2, 2, 1, 1, 1, 1, true), new Pool2dSettings(3, 2, 1, ceilMode: true));
        Assert.Equal(new Pool2dSettings(3, 2, 2, 1, 1, 0, 1, 0), Pool2dSettings.Symmetric(3, 2, 2, 1, 1, 0));
        Assert.Equal("3x3, stride 2, padding 1, ceil", new Pool2dSettings(3, 2, 1, ceilMode: true).Text);
        Assert.Equal("2x2, stride 2, padding 0", new Pool2dSettings(2, 2).Text);
        Assert.Equal("3x2, stride 2x1, padding 1x0", Pool2dSettings.Symmetric(3, 2, 2, 1, 1, 0).Text);
        Assert.Equal("3x3, stride 2, padding top 0 left 0 bottom 1 right 1", new Pool2dSettings(3, 3, 2, 2, 0, 0, 1, 1).Text);
        Assert.Equal("2x2, stride 1, padding 0, dilation 2, ceil", new Pool2dSettings(2, 2, 1, 1, 0, 0, 0, 0, true, 2, 2).Text);
        Assert.Equal("2x2, stride 1, padding 0, dilation 3x2", new Pool2dSettings(2, 2, 1, 1, 0, 0, 0, 0, false, 3, 2).Text);
        Assert.True(new Pool2dSettings(3, 2, 1).IsSymmetric);
        Assert.False(new Pool2dSettings(3, 3, 2, 2, 0, 0, 1, 1).IsSymmetric);
    }

    [Theory]
    // Asymmetric pads per axis: (input, kernel, stride, before, after, ceil) -> size, the generalized rule
    // span = in + before + after - k (+ s - 1 with ceil), floor(span / s) + 1, less the last window with
    // ceil mode when it starts at or past in + before.
    [InlineData(7, 3, 2, 0, 1, false, 3)]
    [InlineData(8, 3, 2, 0, 1, false, 4)]
    [InlineData(3, 2, 3, 0, 1, true, 1)]
    [InlineData(7, 3, 2, 1, 0, false, 3)]
    [InlineData(7, 3, 2, 1, 0, true, 4)]
    [InlineData(6, 3, 2, 0, 1, true, 3)]
    [InlineData(4, 3, 3, 2, 0, true, 2)]
    [InlineData(2, 3, 3, 2, 2, true, 2)]
    public void Output_size_with_asymmetric_padding(int input, int kernel, int stride, int before, int after, bool ceil, int expected)
    {
        Assert.Equal(expected, Pool2dSettings.OutputSize(input, kernel, stride, before, after, ceil));
        Assert.Equal(expected, MaxPool2dReference.OutputSize(input, kernel, stride, before, after, ceil));
        Assert.Equal([1, 2, expected, 1],
            MaxPool2d.OutputShape([1, 2, input, 1], new Pool2dSettings(kernel, 1, stride, 1, before, 0, after, 0, ceil)));
    }
}
