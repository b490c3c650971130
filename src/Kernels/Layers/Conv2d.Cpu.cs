using System.Numerics.Tensors;
using DeepVis.Kernels.Cpu;
using static DeepVis.Kernels.Cpu.CpuGemm;
using Slot = DeepVis.Kernels.Cpu.CpuScratch.SharedSlot;
using Local = DeepVis.Kernels.Cpu.CpuScratch.LocalSlot;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Kernels.Layers;

/// <summary>
/// Convolution on the cpu device, both directions as packed matrix products (<see cref="CpuGemm"/>).
/// Forward: y[n] = W [O, C*KH*KW] times the im2col matrix of x[n], whose panels are gathered from a
/// zero-padded copy of the image while they are packed, so no im2col matrix is ever stored.
/// Backward: the columns W^T dy[n] [C*KH*KW, OH*OW] (a group of input channels at a time), then
/// each dx element gathers the columns that its taps wrote: no scatter, no atomics.
/// </summary>
public static unsafe partial class Conv2d
{
    /// <summary>
    /// Where the forward's im2col columns come from: a zero-padded image of <see cref="Width"/> x
    /// height per channel. With stride 1 a column p is the pixel (p / Width, p % Width) of a grid as
    /// wide as the padded image, so tap (c, ky, kx) of a whole panel is one contiguous run of it
    /// (the grid's last KW - 1 columns of a row are computed and dropped); with a stride the grid is
    /// OH x OW and each panel gathers through precomputed offsets.
    /// </summary>
    private readonly struct PaddedInput
    {
        public PaddedInput(Geometry g)
        {
            Width = g.W + 2 * g.PadW;
            Plane = (g.H + 2 * g.PadH) * Width;
            Contiguous = g.StrideH == 1 && g.StrideW == 1;
            GridWidth = Contiguous ? Width : g.OW;
            Columns = g.OH * GridWidth;
            // Runs of the last channel reach KW - 1 values past its plane (in dropped grid columns).
            Length = (long)g.C * Plane + g.KW;
        }

        public int Width { get; }
        public int Plane { get; }
        public bool Contiguous { get; }
        public int GridWidth { get; }
        public int Columns { get; }
        public long Length { get; }
    }

    private static void CpuForward(Tensor x, Tensor weight, Tensor? bias, Tensor y, Geometry g, CpuBlocking blocking)
    {
        var device = x.Device;
        var depth = g.C * g.KH * g.KW;
        var rows = RoundUp(g.O, MR);
        var packedA = device.Scratch.Shared(Slot.PackedA, (long)rows * depth);
        Pack(device, weight.Pointer, depth, g.O, 1, depth, MR, blocking.Depth, packedA);
        var input = new PaddedInput(g);
        var padded = device.Scratch.Shared(Slot.Operand, input.Length);
        var (rowBlocks, columnBlocks) = ((g.O + blocking.Rows - 1) / blocking.Rows, (input.Columns + blocking.Columns - 1) / blocking.Columns);
        var biasValues = bias is null ? null : bias.Pointer;
        for (var n = 0; n < x.N; n++)
        {
            Pad(x, n, g, input, padded);
            var output = y.Pointer + (long)n * g.O * g.OH * g.OW;
            CpuParallel.For(device, rowBlocks * columnBlocks, 2L * blocking.Rows * blocking.Columns * depth, item =>
            {
                var (m0, j0) = (item / columnBlocks * blocking.Rows, item % columnBlocks * blocking.Columns);
                var (mc, nc) = (Math.Min(blocking.Rows, g.O - m0), Math.Min(blocking.Columns, input.Columns - j0));
                var columnPanels = RoundUp(nc, NR) / NR;
                var block = device.Scratch.Local(Local.Block, (long)blocking.Rows * blocking.Columns);
                var panels = device.Scratch.Local(Local.PackedB, (long)blocking.Columns * blocking.Depth);
                for (var k0 = 0; k0 < depth; k0 += blocking.Depth)
                {
                    var kc = Math.Min(blocking.Depth, depth - k0);
                    PackColumns(padded, input, g, k0, kc, j0, nc, panels);
                    Multiply(packedA + (long)rows * k0 + (long)m0 * kc, panels, kc, RoundUp(mc, MR) / MR, columnPanels,
                        block, columnPanels * NR, k0 > 0);
                }
                StoreForward(block, columnPanels * NR, m0, mc, j0, nc, input, g, biasValues, output);
            });
        }
    }

    /// <summary>Copies image n into the zero-padded planes (parallel over channels).</summary>
    private static void Pad(Tensor x, int n, Geometry g, PaddedInput input, float* padded)
    {
        var source = x.Pointer + (long)n * g.C * g.H * g.W;
        CpuParallel.For(x.Device, g.C, input.Plane, c =>
        {
            var plane = new Span<float>(padded + (long)c * input.Plane, input.Plane);
            var from = source + (long)c * g.H * g.W;
            plane[..(g.PadH * input.Width)].Clear();
            plane[((g.PadH + g.H) * input.Width)..].Clear();
            for (var h = 0; h < g.H; h++)
            {
                var row = plane.Slice((g.PadH + h) * input.Width, input.Width);
                row[..g.PadW].Clear();
                new ReadOnlySpan<float>(from + (long)h * g.W, g.W).CopyTo(row[g.PadW..]);
                row[(g.PadW + g.W)..].Clear();
            }
        });
        new Span<float>(padded + (long)g.C * input.Plane, g.KW).Clear();
    }

    /// <summary>Packs the im2col rows k0 .. k0 + kc, columns j0 .. j0 + nc, into NR-wide panels (zero past the grid).</summary>
    private static void PackColumns(float* padded, PaddedInput input, Geometry g, int k0, int kc, int j0, int nc, float* panels)
    {
        var taps = g.KH * g.KW;
        Span<int> offsets = stackalloc int[NR];
        for (var q = 0; q * NR < nc; q++)
        {
            var first = j0 + q * NR;
            var valid = Math.Min(NR, input.Columns - first);
            if (!input.Contiguous)
                for (var j = 0; j < valid; j++)
                {
                    var (oy, ox) = Math.DivRem(first + j, g.OW);
                    offsets[j] = oy * g.StrideH * input.Width + ox * g.StrideW;
                }
            var target = panels + (long)q * NR * kc;
            for (var kk = 0; kk < kc; kk++)
            {
                var k = k0 + kk;
                var (c, tap) = Math.DivRem(k, taps);
                var (ky, kx) = Math.DivRem(tap, g.KW);
                var source = padded + (long)c * input.Plane + ky * input.Width + kx;
                var d = new Span<float>(target + kk * NR, NR);
                if (input.Contiguous)
                    new ReadOnlySpan<float>(source + first, valid).CopyTo(d);
                else
                    for (var j = 0; j < valid; j++) d[j] = source[offsets[j]];
                d[valid..].Clear();
            }
        }
    }

    /// <summary>Writes the valid grid columns of an output block to y (dropping the stride-1 grid's extra columns), adding the bias.</summary>
    private static void StoreForward(float* block, int ldc, int m0, int mc, int j0, int nc, PaddedInput input, Geometry g,
        float* bias, float* output)
    {
        var pixels = g.OH * g.OW;
        for (var r = 0; r < mc; r++)
        {
            var m = m0 + r;
            var from = block + (long)r * ldc;
            var to = output + (long)m * pixels;
            var add = bias is null ? 0f : bias[m];
            for (var p = j0; p < j0 + nc;)
            {
                var (oy, ox) = Math.DivRem(p, input.GridWidth);
                var run = Math.Min(input.GridWidth - ox, j0 + nc - p);
                var kept = Math.Min(run, g.OW - ox);
                if (kept > 0)
                    TensorPrimitives.Add(new ReadOnlySpan<float>(from + (p - j0), kept), add,
                        new Span<float>(to + (long)oy * g.OW + ox, kept));
                p += run;
            }
        }
    }

    private static void CpuBackwardInput(Tensor dy, Tensor weight, Tensor dx, Geometry g, CpuBlocking blocking)
    {
        var device = dx.Device;
        var taps = g.KH * g.KW;
        var (tapRows, pixels) = (g.C * taps, g.OH * g.OW);
        var paddedTaps = RoundUp(tapRows, MR);
        var packedA = device.Scratch.Shared(Slot.PackedA, (long)paddedTaps * g.O);
        // A = W^T: row (c, ky, kx), depth o; W[o] is a contiguous row of all taps.
        Pack(device, weight.Pointer, g.O, tapRows, tapRows, 1, MR, blocking.Depth, packedA);
        var paddedPixels = RoundUp(pixels, NR);
        var packedB = device.Scratch.Shared(Slot.Operand, (long)paddedPixels * g.O);
        // A group of whole channels (at least one) whose columns fit the scratch budget.
        var groupChannels = Math.Clamp(blocking.Scratch / Math.Max(1, taps * pixels), 1, g.C);
        var columns = device.Scratch.Shared(Slot.Columns, (long)groupChannels * taps * pixels);
        var columnBlocks = (pixels + blocking.Columns - 1) / blocking.Columns;
        for (var n = 0; n < dx.N; n++)
        {
            Pack(device, dy.Pointer + (long)n * g.O * pixels, g.O, pixels, pixels, 1, NR, blocking.Depth, packedB);
            for (var c0 = 0; c0 < g.C; c0 += groupChannels)
            {
                var channels = Math.Min(groupChannels, g.C - c0);
                // Packed A panels start at multiples of MR: start there and drop the rows before the group.
                var (first, end) = (c0 * taps, (c0 + channels) * taps);
                var aligned = first / MR * MR;
                var rowBlocks = (end - aligned + blocking.Rows - 1) / blocking.Rows;
                CpuParallel.For(device, rowBlocks * columnBlocks, 2L * blocking.Rows * blocking.Columns * g.O, item =>
                {
                    var (m0, j0) = (aligned + item / columnBlocks * blocking.Rows, item % columnBlocks * blocking.Columns);
                    var (mc, nc) = (Math.Min(blocking.Rows, end - m0), Math.Min(blocking.Columns, pixels - j0));
                    var columnPanels = RoundUp(nc, NR) / NR;
                    var block = device.Scratch.Local(Local.Block, (long)blocking.Rows * blocking.Columns);
                    for (var k0 = 0; k0 < g.O; k0 += blocking.Depth)
                    {
                        var kc = Math.Min(blocking.Depth, g.O - k0);
                        Multiply(packedA + (long)paddedTaps * k0 + (long)m0 * kc,
                            packedB + (long)paddedPixels * k0 + (long)j0 * kc, kc, RoundUp(mc, MR) / MR, columnPanels,
                            block, columnPanels * NR, k0 > 0);
                    }
                    for (var r = Math.Max(0, first - m0); r < mc; r++)
                        new ReadOnlySpan<float>(block + (long)r * columnPanels * NR, nc)
                            .CopyTo(new Span<float>(columns + (long)(m0 + r - first) * pixels + j0, nc));
                });
                GatherColumns(dx, n, c0, channels, g, columns);
            }
        }
    }

    /// <summary>dx[n, c, iy, ix] = the sum over taps (ky, kx) of the column entry of the output pixel that read it, in tap order.</summary>
    private static void GatherColumns(Tensor dx, int n, int c0, int channels, Geometry g, float* columns)
    {
        const int band = 8;
        var bands = (g.H + band - 1) / band;
        var (taps, pixels) = (g.KH * g.KW, g.OH * g.OW);
        CpuParallel.For(dx.Device, channels * bands, (long)band * g.W * taps, item =>
        {
            var (c, b) = Math.DivRem(item, bands);
            var plane = dx.Pointer + ((long)n * g.C + c0 + c) * g.H * g.W;
            for (var iy = b * band; iy < Math.Min(g.H, (b + 1) * band); iy++)
            {
                var row = new Span<float>(plane + (long)iy * g.W, g.W);
                row.Clear();
                for (var ky = 0; ky < g.KH; ky++)
                {
                    var ty = iy + g.PadH - ky;
                    if (ty < 0 || ty % g.StrideH != 0 || ty / g.StrideH >= g.OH) continue;
                    for (var kx = 0; kx < g.KW; kx++)
                    {
                        var source = columns + ((long)c * taps + ky * g.KW + kx) * pixels + ty / g.StrideH * g.OW;
                        // Output column ox reads input column ox * stride - pad + kx.
                        var reach = g.W - 1 + g.PadW - kx;
                        var oxFirst = Math.Max(0, (g.PadW - kx + g.StrideW - 1) / g.StrideW);
                        var oxEnd = Math.Min(g.OW, reach / g.StrideW + 1);
                        if (reach < 0 || oxFirst >= oxEnd) continue;
                        var ixFirst = oxFirst * g.StrideW - g.PadW + kx;
                        if (g.StrideW == 1)
                        {
                            var target = row.Slice(ixFirst, oxEnd - oxFirst);
                            TensorPrimitives.Add(target, new ReadOnlySpan<float>(source + oxFirst, oxEnd - oxFirst), target);
                        }
                        else
                        {
                            for (var ox = oxFirst; ox < oxEnd; ox++) row[ixFirst + (ox - oxFirst) * g.StrideW] += source[ox];
                        }
                    }
                }
            }
        });
    }
}
