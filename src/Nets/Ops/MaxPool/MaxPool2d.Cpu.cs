using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Max pooling on the cpu device: one plane per work item; the backward scatters each window's dy to
/// its arg-max. VGG's 2x2 windows of stride 2 have their own path: eight windows at a time in the
/// forward, one pass over each window's four values in the backward.
/// </summary>
public static partial class MaxPool2d
{
    private static void CpuForward(Tensor x, Tensor y, Pool2dGeometry g)
    {
        if (IsPairs(g)) CpuForwardPairs(x, y, g);
        else if (IsDilated(g)) CpuForwardTaps(x, y, g);
        else CpuForwardWindows(x, y, g);
    }

    private static void CpuBackward(Tensor x, Tensor dy, Tensor dx, Pool2dGeometry g)
    {
        if (IsPairs(g)) CpuBackwardPairs(x, dy, dx, g);
        else if (IsDilated(g)) CpuBackwardTaps(x, dy, dx, g);
        else CpuBackwardWindows(x, dy, dx, g);
    }

    /// <summary>2x2 windows, stride 2, no padding, every window inside the input (no ceil-mode remainder).</summary>
    private static bool IsPairs(in Pool2dGeometry g) =>
        g is { KernelH: 2, KernelW: 2, StrideH: 2, StrideW: 2, PadTop: 0, PadLeft: 0, PadBottom: 0, PadRight: 0, DilationH: 1, DilationW: 1 }
        && 2 * g.OutH <= g.H && 2 * g.OutW <= g.W;

    private static bool IsDilated(in Pool2dGeometry g) => g.DilationH != 1 || g.DilationW != 1;

    /// <summary>
    /// Each window's maximum by the arg-max rule, folded in row-major order: a value replaces the
    /// maximum when it is greater or NaN, so ties keep the first (-0 before +0) and NaN wins.
    /// </summary>
    private static void CpuForwardPairs(Tensor x, Tensor y, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(x, g.H * g.W, y, g.OutH * g.OutW, 4L * g.OutH * g.OutW, (_, xs, ys) =>
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var top = xs.Slice(2 * oh * g.W, g.W);
                var bottom = xs.Slice((2 * oh + 1) * g.W, g.W);
                var row = ys.Slice(oh * g.OutW, g.OutW);
                var ow = 0;
                if (Avx2.IsSupported)
                {
                    for (; 2 * ow + 16 <= g.W && ow + 8 <= g.OutW; ow += 8)
                    {
                        var (te, to) = Deinterleave(top.Slice(2 * ow));
                        var (be, bo) = Deinterleave(bottom.Slice(2 * ow));
                        Replace(Replace(Replace(te, to), be), bo).CopyTo(row.Slice(ow));
                    }
                }
                for (; ow < g.OutW; ow++)
                    row[ow] = Replace(Replace(Replace(top[2 * ow], top[2 * ow + 1]), bottom[2 * ow]), bottom[2 * ow + 1]);
            }
        });

    /// <summary>The arg-max rule's step: <paramref name="value"/> when it is greater than <paramref name="max"/> or NaN.</summary>
    private static float Replace(float max, float value) => value > max || float.IsNaN(value) ? value : max;

    private static Vector256<float> Replace(Vector256<float> max, Vector256<float> value) =>
        Vector256.ConditionalSelect(Vector256.GreaterThan(value, max) | ~Vector256.Equals(value, value), value, max);

    /// <summary>Sixteen values split into the eight at even and the eight at odd positions, in order.</summary>
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(ReadOnlySpan<float> values)
    {
        var (low, high) = (Vector256.Create(values), Vector256.Create(values.Slice(8)));
        // Shuffle takes lanes 0, 2 (or 1, 3) of each 128-bit half of both; Permute4x64 restores the order.
        var even = Avx.Shuffle(low, high, 0b10_00_10_00).AsDouble();
        var odd = Avx.Shuffle(low, high, 0b11_01_11_01).AsDouble();
        return (Avx2.Permute4x64(even, 0b11_01_10_00).AsSingle(), Avx2.Permute4x64(odd, 0b11_01_10_00).AsSingle());
    }

    /// <summary>Windows do not overlap: each input is its window's arg-max (dy) or not (0); rows and columns past the last window are 0.</summary>
    private static void CpuBackwardPairs(Tensor x, Tensor dy, Tensor dx, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(dy, g.OutH * g.OutW, dx, g.H * g.W, 4L * g.OutH * g.OutW, (p, dys, dxs) =>
        {
            var xs = x.Span.Slice(p * g.H * g.W, g.H * g.W);
            if (2 * g.OutH < g.H || 2 * g.OutW < g.W) dxs.Clear();
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var (top, bottom) = (2 * oh * g.W, (2 * oh + 1) * g.W);
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    int a = top + 2 * ow, b = a + 1, c = bottom + 2 * ow, d = c + 1;
                    var best = a;
                    if (xs[b] > xs[best] || float.IsNaN(xs[b])) best = b;
                    if (xs[c] > xs[best] || float.IsNaN(xs[c])) best = c;
                    if (xs[d] > xs[best] || float.IsNaN(xs[d])) best = d;
                    var gradient = dys[oh * g.OutW + ow];
                    dxs[a] = best == a ? gradient : 0f;
                    dxs[b] = best == b ? gradient : 0f;
                    dxs[c] = best == c ? gradient : 0f;
                    dxs[d] = best == d ? gradient : 0f;
                }
            }
        });

    private static void CpuForwardWindows(Tensor x, Tensor y, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(x, g.H * g.W, y, g.OutH * g.OutW, (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (_, xs, ys) =>
        {
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var row = ys.Slice(oh * g.OutW, g.OutW);
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    Window(oh, ow, g, out var h0, out var h1, out var w0, out var w1);
                    // MathF.Max (branch-free, NaN wins) ranks -0 below +0, where the first maximum is
                    // the first zero: only those windows look their maximum up.
                    var max = WindowMax(xs, g.W, h0, h1, w0, w1);
                    row[ow] = max == 0f ? xs[ArgMax(xs, g.W, h0, h1, w0, w1)] : max;
                }
            }
        });

    /// <summary>
    /// Scatters per plane: windows are visited in row-major order, so every dx element receives its
    /// windows' dy in the order the ILGPU gather sums them.
    /// </summary>
    private static void CpuBackwardWindows(Tensor x, Tensor dy, Tensor dx, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(dy, g.OutH * g.OutW, dx, g.H * g.W, g.H * g.W + (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (p, dys, dxs) =>
        {
            var xs = x.Span.Slice(p * g.H * g.W, g.H * g.W);
            dxs.Clear();
            for (var oh = 0; oh < g.OutH; oh++)
            {
                var row = dys.Slice(oh * g.OutW, g.OutW);
                for (var ow = 0; ow < g.OutW; ow++)
                {
                    Window(oh, ow, g, out var h0, out var h1, out var w0, out var w1);
                    dxs[ArgMax(xs, g.W, h0, h1, w0, w1)] += row[ow];
                }
            }
        });

    /// <summary>Dilated windows, tap by tap (<see cref="TapArgMax"/>); a window with no tap inside the input is -inf.</summary>
    private static void CpuForwardTaps(Tensor x, Tensor y, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(x, g.H * g.W, y, g.OutH * g.OutW, (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (_, xs, ys) =>
        {
            for (var o = 0; o < g.OutH * g.OutW; o++)
            {
                var at = TapArgMax(xs, o / g.OutW, o % g.OutW, g);
                ys[o] = at < 0 ? float.NegativeInfinity : xs[at];
            }
        });

    /// <summary>Scatters each dilated window's dy to its arg-max, windows in row-major order as <see cref="CpuBackwardWindows"/>.</summary>
    private static void CpuBackwardTaps(Tensor x, Tensor dy, Tensor dx, Pool2dGeometry g) =>
        CpuParallel.ForEachPlane(dy, g.OutH * g.OutW, dx, g.H * g.W, g.H * g.W + (long)g.OutH * g.OutW * g.KernelH * g.KernelW, (p, dys, dxs) =>
        {
            var xs = x.Span.Slice(p * g.H * g.W, g.H * g.W);
            dxs.Clear();
            for (var o = 0; o < g.OutH * g.OutW; o++)
            {
                var at = TapArgMax(xs, o / g.OutW, o % g.OutW, g);
                if (at >= 0) dxs[at] += dys[o];
            }
        });

    /// <summary>The ILGPU kernels' arg-max over a dilated window's taps inside the input, on host memory; -1 when there is none.</summary>
    private static int TapArgMax(ReadOnlySpan<float> plane, int oh, int ow, in Pool2dGeometry g)
    {
        var (h0, w0) = (oh * g.StrideH - g.PadTop, ow * g.StrideW - g.PadLeft);
        var (aEnd, bFirst, bEnd) = (Pool2dGeometry.TapEnd(h0, g.KernelH, g.DilationH, g.H), Pool2dGeometry.FirstTap(w0, g.DilationW),
            Pool2dGeometry.TapEnd(w0, g.KernelW, g.DilationW, g.W));
        var best = -1;
        var max = float.NegativeInfinity;
        for (var a = Pool2dGeometry.FirstTap(h0, g.DilationH); a < aEnd; a++)
        {
            for (var at = (h0 + a * g.DilationH) * g.W + w0 + bFirst * g.DilationW; at < (h0 + a * g.DilationH) * g.W + w0 + bEnd * g.DilationW; at += g.DilationW)
            {
                if (best < 0 || plane[at] > max || float.IsNaN(plane[at]))
                {
                    max = plane[at];
                    best = at;
                }
            }
        }
        return best;
    }

    /// <summary>Window (oh, ow) clipped to the input: rows h0..h1 and columns w0..w1, ends excluded.</summary>
    private static void Window(int oh, int ow, in Pool2dGeometry g, out int h0, out int h1, out int w0, out int w1)
    {
        h0 = oh * g.StrideH - g.PadTop;
        w0 = ow * g.StrideW - g.PadLeft;
        h1 = Math.Min(h0 + g.KernelH, g.H);
        w1 = Math.Min(w0 + g.KernelW, g.W);
        h0 = Math.Max(h0, 0);
        w0 = Math.Max(w0, 0);
    }

    private static float WindowMax(ReadOnlySpan<float> plane, int width, int h0, int h1, int w0, int w1)
    {
        var max = float.NegativeInfinity;
        for (var h = h0; h < h1; h++)
        {
            foreach (var value in plane.Slice(h * width + w0, w1 - w0)) max = MathF.Max(max, value);
        }
        return max;
    }

    /// <summary>The offset of a window's first maximum in its plane, picked as the ILGPU kernels pick it: strictly greater wins, NaN always wins.</summary>
    private static int ArgMax(ReadOnlySpan<float> plane, int width, int h0, int h1, int w0, int w1)
    {
        var best = h0 * width + w0;
        var max = float.NegativeInfinity;
        for (var h = h0; h < h1; h++)
        {
            var row = plane.Slice(h * width, w1);
            for (var w = w0; w < w1; w++)
            {
                var value = row[w];
                if (value > max || float.IsNaN(value))
                {
                    max = value;
                    best = h * width + w;
                }
            }
        }
        return best;
    }
}
