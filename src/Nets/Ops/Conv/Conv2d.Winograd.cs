using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using static DeepVis.Kernels.Cpu.CpuGemm;
using Slot = DeepVis.Kernels.Cpu.CpuScratch.SharedSlot;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Ops;

/// <summary>How the cpu device computes a convolution: its choice, or one forced (tests and measurements).</summary>
internal enum Conv2dCpuAlgorithm
{
    /// <summary>The device's rule (<see cref="Conv2d.WinogradTileFor"/>): Winograd where it pays, packed products elsewhere.</summary>
    Auto,

    /// <summary>Packed products (im2col panels) or, for depthwise and narrow groups, the direct loops.</summary>
    Gemm,

    /// <summary>Winograd F(2x2, 3x3) where the convolution allows it, Gemm otherwise.</summary>
    Winograd2,

    /// <summary>Winograd F(4x4, 3x3) where the convolution allows it, Gemm otherwise.</summary>
    Winograd4,
}

/// <summary>
/// Winograd's minimal filtering for 3x3 stride-1 convolutions on the cpu device (Lavin and Gray, "Fast Algorithms for
/// Convolutional Neural Networks", 2016). With output tiles of m x m and input tiles of a x a (a = m + 2):
/// Y = A^T [(G g G^T) . (B^T d B)] A per tile and filter, summed over channels; the sum over channels of each of the
/// a x a transformed positions is a product [O, C] x [C, tiles], run by the packed micro-kernel (<see cref="CpuGemm"/>).
/// F(2x2) multiplies 2.25 times fewer, F(4x4) 4 times fewer than the direct sum, at some cost in rounding (its
/// transforms hold 4, 5 and 8). The backward to the input is the same convolution of dy with the flipped, transposed
/// filters and the complementary padding 2 - pad. Filters are transformed once per layer (<see cref="Conv2dPrepared"/>).
/// </summary>
public static unsafe partial class Conv2d
{
    /// <summary>
    /// One F(m x m, 3 x 3): its filter transform G (a x 3, row-major); the input and output transforms B^T and A^T are
    /// written out in <see cref="Transform1D"/>.
    /// </summary>
    private sealed class Winograd(int m, double[] g)
    {
        public int M { get; } = m;
        public int Alpha { get; } = m + 2;
        public double[] G { get; } = g;
    }

    private static readonly Winograd F2 = new(2,
        [1, 0, 0,
         0.5, 0.5, 0.5,
         0.5, -0.5, 0.5,
         0, 0, 1]);

    // Interpolation points 0, 1, -1, 2, -2 and infinity.
    private static readonly Winograd F4 = new(4,
        [1.0 / 4, 0, 0,
         -1.0 / 6, -1.0 / 6, -1.0 / 6,
         -1.0 / 6, 1.0 / 6, -1.0 / 6,
         1.0 / 24, 1.0 / 12, 1.0 / 6,
         1.0 / 24, -1.0 / 12, 1.0 / 6,
         0, 0, 1]);

    /// <summary>Channels (in and out) below which the packed product runs instead: the transforms would cost more than they save.</summary>
    private const int WinogradMinChannels = 16;

    /// <summary>
    /// The Winograd output tile (2 or 4) the cpu device uses for a convolution, or 0 for the packed product. Only 3x3,
    /// stride 1, dilation 1, one group and padding of at most 2 (so that the backward's complementary padding exists)
    /// qualify, with at least <see cref="WinogradMinChannels"/> channels in and out; then F(4x4) where the output is at
    /// least <see cref="Winograd4MinSize"/> on both sides, F(2x2) below. Measured on one thread (processor time, the best
    /// of 7, C -> C channels, batch 1; forward and backward alike): F(4x4) takes 0.55-0.8 of the packed product's time
    /// from 14 px (C = 64-512) to 224 px (C = 64) and F(2x2) 0.7-1.3; at 7 px (C = 512) F(2x2) takes 0.62-0.8 and F(4x4),
    /// whose 8 x 8 cover of a 7 x 7 output wastes most of its saving, 1.3-1.7.
    /// </summary>
    internal static int WinogradTileFor(int kh, int kw, Conv2dSettings s, int channels, int filters, int oh, int ow,
        Conv2dCpuAlgorithm algorithm)
    {
        var eligible = kh == 3 && kw == 3 && s is { StrideH: 1, StrideW: 1, DilationH: 1, DilationW: 1, Groups: 1 }
            && Math.Max(Math.Max(s.PadTop, s.PadLeft), Math.Max(s.PadBottom, s.PadRight)) <= 2;
        return !eligible ? 0 : algorithm switch
        {
            Conv2dCpuAlgorithm.Winograd2 => 2,
            Conv2dCpuAlgorithm.Winograd4 => 4,
            Conv2dCpuAlgorithm.Gemm => 0,
            _ => channels < WinogradMinChannels || filters < WinogradMinChannels ? 0
                : Math.Min(oh, ow) >= Winograd4MinSize ? 4 : 2,
        };
    }

    /// <summary>The smallest output side on which F(4x4) beats F(2x2).</summary>
    private const int Winograd4MinSize = 14;

    /// <summary>
    /// One stride-1 3x3 convolution as Winograd runs it: input [N, C, H, W] with padding (PadTop, PadLeft) before
    /// (and whatever after), output [N, O, OH, OW].
    /// </summary>
    private readonly record struct WinogradProblem(int N, int C, int H, int W, int O, int OH, int OW, int PadTop, int PadLeft);

    private static void CpuWinogradForward(Tensor x, Tensor weight, Tensor? bias, Tensor y, Geometry g, CpuBlocking blocking,
        Conv2dPrepared? prepared, int tile)
    {
        var t = tile == 4 ? F4 : F2;
        var p = new WinogradProblem(x.N, g.C, g.H, g.W, g.O, g.OH, g.OW, g.PadTop, g.PadLeft);
        var form = tile == 4 ? Conv2dPrepared.Form.WinogradForward4 : Conv2dPrepared.Form.WinogradForward2;
        // Filter (o, c) is w[o, c].
        var filters = WinogradFilters(weight, p, t, blocking.Depth, prepared, form, (o, c) => weight.Pointer + ((long)o * g.C + c) * 9, flip: false);
        CpuWinograd(x.Device, p, t, filters, x.Pointer, bias is null ? null : bias.Pointer, y.Pointer, blocking);
    }

    private static void CpuWinogradBackwardInput(Tensor dy, Tensor weight, Tensor dx, Geometry g, CpuBlocking blocking,
        Conv2dPrepared? prepared, int tile)
    {
        var t = tile == 4 ? F4 : F2;
        // dx = dy convolved with w^T flipped, padded by 2 - pad before (and after): output channel c, input channel o.
        var p = new WinogradProblem(dy.N, g.O, g.OH, g.OW, g.C, g.H, g.W, 2 - g.PadTop, 2 - g.PadLeft);
        var form = tile == 4 ? Conv2dPrepared.Form.WinogradBackward4 : Conv2dPrepared.Form.WinogradBackward2;
        var filters = WinogradFilters(weight, p, t, blocking.Depth, prepared, form, (c, o) => weight.Pointer + ((long)o * g.C + c) * 9, flip: true);
        CpuWinograd(dx.Device, p, t, filters, dy.Pointer, null, dx.Pointer, blocking);
    }

    /// <summary>Where the 3x3 filter from problem input channel c to problem output channel o starts.</summary>
    private delegate float* FilterAt(int o, int c);

    /// <summary>
    /// The transformed filters G f G^T of every (o, c), as a x a products' packed A panels: position i of the tile is the
    /// matrix [O, C] at i * RoundUp(O, MR) * C; prepared once when <paramref name="prepared"/> serves the weight.
    /// </summary>
    private static float* WinogradFilters(Tensor weight, WinogradProblem p, Winograd t, int blockDepth, Conv2dPrepared? prepared,
        Conv2dPrepared.Form form, FilterAt filterAt, bool flip)
    {
        var device = weight.Device;
        var area = t.Alpha * t.Alpha;
        var matrix = (long)RoundUp(p.O, MR) * p.C;
        void Make(float* target)
        {
            // Position-major [area, O, C], then each position's matrix packed.
            var dense = new float[area * (long)p.O * p.C];
            fixed (float* d = dense)
            {
                var to = d;
                CpuParallel.For(device, p.O, 4L * area * p.C * 9, o =>
                {
                    Span<double> f = stackalloc double[9];
                    Span<double> u = stackalloc double[area];
                    for (var c = 0; c < p.C; c++)
                    {
                        var from = filterAt(o, c);
                        for (var k = 0; k < 9; k++) f[k] = from[flip ? 8 - k : k];
                        TransformFilter(t, f, u);
                        for (var i = 0; i < area; i++) to[((long)i * p.O + o) * p.C + c] = (float)u[i];
                    }
                });
                for (var i = 0; i < area; i++)
                    Pack(device, d + (long)i * p.O * p.C, p.C, p.O, 1, p.C, MR, blockDepth, target + i * matrix);
            }
        }
        if (prepared is { } prep && prep.Serves(weight)) return prep.Get(form, blockDepth, area * matrix, Make);
        var scratch = device.Scratch.Shared(Slot.PackedA, area * matrix);
        Make(scratch);
        return scratch;
    }

    /// <summary>u = G f G^T (a x a) in double, f a 3x3 filter.</summary>
    private static void TransformFilter(Winograd t, ReadOnlySpan<double> f, Span<double> u)
    {
        var a = t.Alpha;
        Span<double> gf = stackalloc double[a * 3];
        for (var i = 0; i < a; i++)
        for (var j = 0; j < 3; j++)
            gf[i * 3 + j] = t.G[i * 3] * f[j] + t.G[i * 3 + 1] * f[3 + j] + t.G[i * 3 + 2] * f[6 + j];
        for (var i = 0; i < a; i++)
        for (var j = 0; j < a; j++)
            u[i * a + j] = gf[i * 3] * t.G[j * 3] + gf[i * 3 + 1] * t.G[j * 3 + 1] + gf[i * 3 + 2] * t.G[j * 3 + 2];
    }

    /// <summary>
    /// Floats of transformed tiles and products per chunk of tiles (1 MiB, so that they stay in a core's L2 cache between
    /// the three steps; measured on one thread at 64 channels, 112 px: F(4x4) 1.6 times faster than with 32 MiB chunks).
    /// </summary>
    private const int WinogradChunkFloats = 1 << 18;

    /// <summary>Lanes (tiles) each transform handles at once: one 256-bit vector.</summary>
    private const int Lanes = 8;

    /// <summary>
    /// The convolution of <paramref name="input"/> with the transformed filters, image by image and, within an image, in
    /// chunks of tiles whose transformed inputs and products fit the scratch budget. Per chunk: the input tiles' transforms
    /// B^T d B (per channel and 8 tiles, written straight into the products' packed B panels), the a x a products, then
    /// A^T M A (per filter and 8 tiles) written to the output with the bias. Every output is the same sum, in the same
    /// order, whatever the threads.
    /// </summary>
    private static void CpuWinograd(Device device, WinogradProblem p, Winograd t, float* filters, float* input, float* bias, float* output,
        CpuBlocking blocking)
    {
        var (m, a) = (t.M, t.Alpha);
        var area = a * a;
        var (tilesH, tilesW) = ((p.OH + m - 1) / m, (p.OW + m - 1) / m);
        var tiles = tilesH * tilesW;
        var (planeH, planeW) = (tilesH * m + 2, tilesW * m + 2);
        var plane = (long)planeH * planeW;
        var rows = RoundUp(p.O, MR);
        var chunk = (int)Math.Clamp(Math.Min(blocking.Scratch, WinogradChunkFloats) / ((long)area * (p.C + rows)) / NR * NR, NR, RoundUp(tiles, NR));
        var padded = device.Scratch.Shared(Slot.Operand, p.C * plane);
        var transformed = device.Scratch.Shared(Slot.Columns, (long)area * p.C * chunk);
        var products = device.Scratch.Shared(Slot.Products, (long)area * rows * chunk);
        for (var n = 0; n < p.N; n++)
        {
            PadPlanes(device, input + (long)n * p.C * p.H * p.W, p.C, p.H, p.W, p.PadTop, p.PadLeft, planeH, planeW, padded);
            var image = output + (long)n * p.O * p.OH * p.OW;
            for (var t0 = 0; t0 < tiles; t0 += chunk)
            {
                var count = Math.Min(chunk, tiles - t0);
                var columns = RoundUp(count, NR);
                var laneGroups = columns / Lanes;
                CpuParallel.For(device, p.C * laneGroups, (long)Lanes * area * a * 2, item =>
                {
                    var (c, group) = Math.DivRem(item, laneGroups);
                    TransformInput(t, padded + c * plane, planeW, tilesW, tiles, t0 + group * Lanes, c, p.C, group * Lanes,
                        columns, blocking.Depth, transformed);
                });
                var (rowBlocks, columnBlocks) = ((p.O + blocking.Rows - 1) / blocking.Rows, (columns + blocking.Columns - 1) / blocking.Columns);
                CpuParallel.For(device, area * rowBlocks * columnBlocks, 2L * blocking.Rows * blocking.Columns * p.C, item =>
                {
                    var (i, rest) = Math.DivRem(item, rowBlocks * columnBlocks);
                    var (m0, j0) = (rest / columnBlocks * blocking.Rows, rest % columnBlocks * blocking.Columns);
                    var (mc, nc) = (Math.Min(blocking.Rows, p.O - m0), Math.Min(blocking.Columns, columns - j0));
                    float* a0 = filters + (long)i * rows * p.C, b0 = transformed + (long)i * columns * p.C;
                    for (var k0 = 0; k0 < p.C; k0 += blocking.Depth)
                    {
                        var kc = Math.Min(blocking.Depth, p.C - k0);
                        Multiply(a0 + (long)rows * k0 + (long)m0 * kc, b0 + (long)columns * k0 + (long)j0 * kc, kc, RoundUp(mc, MR) / MR,
                            nc / NR, products + ((long)i * rows + m0) * columns + j0, columns, k0 > 0);
                    }
                });
                var validGroups = (count + Lanes - 1) / Lanes;
                CpuParallel.For(device, p.O * validGroups, (long)Lanes * area * a * 2, item =>
                {
                    var (o, group) = Math.DivRem(item, validGroups);
                    TransformOutput(t, products + (long)o * columns + group * Lanes, (long)rows * columns, bias is null ? 0f : bias[o],
                        t0 + group * Lanes, Math.Min(Lanes, count - group * Lanes), tilesW, p, image + (long)o * p.OH * p.OW);
                });
            }
        }
    }

    /// <summary>
    /// B^T d B of channel <paramref name="c"/>'s tiles first .. first + 8 (zero past <paramref name="tiles"/>), stored as
    /// column <paramref name="column"/> .. + 8 of each position's packed B panels ([C, columns], depth blocks of
    /// <paramref name="blockDepth"/>).
    /// </summary>
    private static void TransformInput(Winograd t, float* plane, int planeW, int tilesW, int tiles, int first, int c, int channels,
        int column, int columns, int blockDepth, float* transformed)
    {
        var (m, a) = (t.M, t.Alpha);
        var area = a * a;
        Span<float> gathered = stackalloc float[area * Lanes];
        for (var lane = 0; lane < Lanes; lane++)
        {
            var tile = first + lane;
            if (tile >= tiles)
            {
                for (var i = 0; i < area; i++) gathered[i * Lanes + lane] = 0f;
                continue;
            }
            var (ty, tx) = Math.DivRem(tile, tilesW);
            var from = plane + (long)ty * m * planeW + tx * m;
            for (var r = 0; r < a; r++)
            for (var s = 0; s < a; s++)
                gathered[(r * a + s) * Lanes + lane] = from[r * planeW + s];
        }
        Span<Vector256<float>> d = stackalloc Vector256<float>[area];
        for (var i = 0; i < area; i++) d[i] = Vector256.Create<float>(gathered.Slice(i * Lanes, Lanes));
        Span<Vector256<float>> v = stackalloc Vector256<float>[area];
        Sandwich(t, output: false, d, v);
        // Packed layout (CpuGemm.Pack): depth block k0 at columns * k0, panel q at q * NR * kc, element (k, j) at (k - k0) * NR + j.
        var k0 = c / blockDepth * blockDepth;
        var kc = Math.Min(blockDepth, channels - k0);
        var offset = (long)columns * k0 + (long)(column / NR) * NR * kc + (c - k0) * NR + column % NR;
        for (var i = 0; i < area; i++) v[i].Store(transformed + (long)i * columns * channels + offset);
    }

    /// <summary>
    /// A^T M A of one filter's tiles first .. first + <paramref name="valid"/> (M's position i at
    /// <paramref name="products"/> + i * <paramref name="stride"/>), plus the bias, into the output plane (clipped at its edges).
    /// </summary>
    private static void TransformOutput(Winograd t, float* products, long stride, float bias, int first, int valid, int tilesW,
        WinogradProblem p, float* plane)
    {
        var (m, a) = (t.M, t.Alpha);
        Span<Vector256<float>> x = stackalloc Vector256<float>[a * a];
        for (var i = 0; i < a * a; i++) x[i] = Vector256.Load(products + i * stride);
        Span<Vector256<float>> y = stackalloc Vector256<float>[m * m];
        Sandwich(t, output: true, x, y);
        Span<float> values = stackalloc float[m * m * Lanes];
        for (var i = 0; i < m * m; i++) (y[i] + Vector256.Create(bias)).CopyTo(values.Slice(i * Lanes, Lanes));
        for (var lane = 0; lane < valid; lane++)
        {
            var (ty, tx) = Math.DivRem(first + lane, tilesW);
            var (oy0, ox0) = (ty * m, tx * m);
            for (var r = 0; r < Math.Min(m, p.OH - oy0); r++)
            for (var s = 0; s < Math.Min(m, p.OW - ox0); s++)
                plane[(long)(oy0 + r) * p.OW + ox0 + s] = values[(r * m + s) * Lanes + lane];
        }
    }

    /// <summary>
    /// result = T x T^T for the input transform (T = B^T, <paramref name="output"/> false) or the output transform
    /// (T = A^T) of F(m x m, 3 x 3), x being a x a: the 1-D transform down each column, then along each row of the result.
    /// Each element is a vector of 8 tiles.
    /// </summary>
    private static void Sandwich(Winograd t, bool output, ReadOnlySpan<Vector256<float>> x, Span<Vector256<float>> result)
    {
        var a = t.Alpha;
        var rows = output ? t.M : a;
        Span<Vector256<float>> half = stackalloc Vector256<float>[rows * a];
        for (var j = 0; j < a; j++) Transform1D(t.M, output, x[j..], a, half[j..], a);
        for (var i = 0; i < rows; i++) Transform1D(t.M, output, half[(i * a)..], 1, result[(i * rows)..], 1);
    }

    /// <summary>y = T d along one line of a values (every <paramref name="xStride"/>-th), written every <paramref name="yStride"/>-th.</summary>
    private static void Transform1D(int m, bool output, ReadOnlySpan<Vector256<float>> x, int xStride, Span<Vector256<float>> y, int yStride)
    {
        var (d0, d1, d2, d3) = (x[0], x[xStride], x[2 * xStride], x[3 * xStride]);
        if (m == 2)
        {
            if (output)
            {
                y[0] = d0 + d1 + d2;
                y[yStride] = d1 - d2 - d3;
            }
            else
            {
                y[0] = d0 - d2;
                y[yStride] = d1 + d2;
                y[2 * yStride] = d2 - d1;
                y[3 * yStride] = d1 - d3;
            }
            return;
        }
        var (d4, d5) = (x[4 * xStride], x[5 * xStride]);
        Vector256<float> two = Vector256.Create(2f), four = Vector256.Create(4f), five = Vector256.Create(5f), eight = Vector256.Create(8f);
        if (output)
        {
            // A^T rows: (1 1 1 1 1 0), (0 1 -1 2 -2 0), (0 1 1 4 4 0), (0 1 -1 8 -8 1).
            Vector256<float> sum12 = d1 + d2, diff12 = d1 - d2, sum34 = d3 + d4, diff34 = d3 - d4;
            y[0] = d0 + sum12 + sum34;
            y[yStride] = MulAdd(two, diff34, diff12);
            y[2 * yStride] = MulAdd(four, sum34, sum12);
            y[3 * yStride] = MulAdd(eight, diff34, diff12) + d5;
            return;
        }
        // B^T rows: (4 0 -5 0 1 0), (0 -4 -4 1 1 0), (0 4 -4 -1 1 0), (0 -2 -1 2 1 0), (0 2 -1 -2 1 0), (0 4 0 -5 0 1).
        Vector256<float> p = d4 - four * d2, q = d3 - four * d1, r = d4 - d2, u = two * (d3 - d1);
        y[0] = MulAdd(four, d0, d4) - five * d2;
        y[yStride] = p + q;
        y[2 * yStride] = p - q;
        y[3 * yStride] = r + u;
        y[4 * yStride] = r - u;
        y[5 * yStride] = MulAdd(four, d1, d5) - five * d3;
    }

    /// <summary>
    /// Copies <paramref name="channels"/> planes of h x w into planes of <paramref name="planeH"/> x <paramref name="planeW"/>
    /// at (padTop, padLeft), zero around (parallel over channels).
    /// </summary>
    private static void PadPlanes(Device device, float* source, int channels, int h, int w, int padTop, int padLeft, int planeH,
        int planeW, float* target)
    {
        var plane = planeH * planeW;
        CpuParallel.For(device, channels, plane, c =>
        {
            var to = new Span<float>(target + (long)c * plane, plane);
            var from = source + (long)c * h * w;
            to[..(padTop * planeW)].Clear();
            to[((padTop + h) * planeW)..].Clear();
            for (var r = 0; r < h; r++)
            {
                var row = to.Slice((padTop + r) * planeW, planeW);
                row[..padLeft].Clear();
                new ReadOnlySpan<float>(from + (long)r * w, w).CopyTo(row[padLeft..]);
                row[(padLeft + w)..].Clear();
            }
        });
    }
}
