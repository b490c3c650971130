using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using DeepVis.Kernels.Cpu;
using static DeepVis.Kernels.Cpu.CpuGemm;
using Slot = DeepVis.Kernels.Cpu.CpuScratch.SharedSlot;
using Local = DeepVis.Kernels.Cpu.CpuScratch.LocalSlot;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>
/// Convolution on the cpu device, both directions as packed matrix products (<see cref="CpuGemm"/>),
/// one per group of channels (groups = 1: one product over all channels).
/// Forward: y[n, group] = W_group [O/G, C/G*KH*KW] times the im2col matrix of the group's channels of
/// x[n], whose panels are gathered from a zero-padded copy of the image while they are packed, so no
/// im2col matrix is ever stored. Backward: the columns W_group^T dy[n, group] [C/G*KH*KW, OH*OW] (a
/// few input channels at a time), then each dx element gathers the columns that its taps wrote: no
/// scatter, no atomics. Depthwise convolutions (one input channel per filter, where a product would
/// have a depth of KH*KW) and narrow groups run a direct vectorized loop per plane instead (<see cref="CpuDirectForward"/>).
/// </summary>
public static unsafe partial class Conv2d
{
    /// <summary>
    /// Where the forward's im2col columns come from: a zero-padded image of <see cref="Width"/> x
    /// height per channel. With stride 1 a column p is the pixel (p / Width, p % Width) of a grid as
    /// wide as the padded image, so tap (c, ky, kx) of a whole panel is one contiguous run of it
    /// (the grid's last columns of a row, past OW, are computed and dropped); with a stride the grid is
    /// OH x OW and each panel gathers through precomputed offsets.
    /// </summary>
    private readonly struct PaddedInput
    {
        public PaddedInput(Geometry g)
        {
            Width = g.W + g.PadLeft + g.PadRight;
            Plane = (g.H + g.PadTop + g.PadBottom) * Width;
            Contiguous = g.StrideH == 1 && g.StrideW == 1;
            GridWidth = Contiguous ? Width : g.OW;
            Columns = g.OH * GridWidth;
            // Runs of the last channel reach (KW - 1) * dilation values past its plane (in dropped grid columns).
            Tail = (g.KW - 1) * g.DilationW + 1;
            Length = (long)g.C * Plane + Tail;
        }

        public int Width { get; }
        public int Plane { get; }
        public bool Contiguous { get; }
        public int GridWidth { get; }
        public int Columns { get; }
        public int Tail { get; }
        public long Length { get; }
    }

    /// <summary>
    /// A 1x1 convolution with stride 1 and no padding: its im2col matrix is the image itself ([C, H*W] per image), so
    /// the forward packs its panels straight from x and the backward's columns are dx.
    /// </summary>
    private static bool Pointwise(Geometry g) =>
        g.KH == 1 && g.KW == 1 && g.StrideH == 1 && g.StrideW == 1 && g.PadTop == 0 && g.PadLeft == 0 && g.PadBottom == 0 && g.PadRight == 0;

    /// <summary>
    /// Packed A panels of the per-group products: the prepared ones when <paramref name="prepared"/> serves this weight,
    /// otherwise packed into scratch for this call. <paramref name="rows"/> x <paramref name="depth"/> per group, element
    /// (r, k) of group g at w + g * rows * depth + r * <paramref name="rowStride"/> + k * <paramref name="depthStride"/>.
    /// </summary>
    private static float* Panels(Tensor weight, Geometry g, int rows, int depth, long rowStride, long depthStride, int blockDepth,
        Conv2dPrepared? prepared, Conv2dPrepared.Form form)
    {
        var device = weight.Device;
        var floats = Conv2dPrepared.PanelFloats(g.Groups, rows, depth);
        var groupFloats = (long)RoundUp(rows, MR) * depth;
        void Make(float* target)
        {
            for (var group = 0; group < g.Groups; group++)
                Pack(device, weight.Pointer + (long)group * rows * depth, depth, rows, depthStride, rowStride, MR, blockDepth,
                    target + group * groupFloats);
        }
        if (prepared is { } p && p.Serves(weight)) return p.Get(form, blockDepth, floats, Make);
        var scratch = device.Scratch.Shared(Slot.PackedA, floats);
        Make(scratch);
        return scratch;
    }

    /// <summary>
    /// Narrows the blocks of a product of <paramref name="rows"/> x <paramref name="columns"/> until it has at least
    /// <see cref="MinItems"/> work items (first the columns, down to one panel, then the rows, down to four micro-tiles), so
    /// that a single image's small layers still keep every core busy. The blocks depend on the problem only.
    /// </summary>
    private static CpuBlocking Balanced(CpuBlocking b, int rows, int columns)
    {
        static int Items(CpuBlocking b, int rows, int columns) =>
            (rows + b.Rows - 1) / b.Rows * ((columns + b.Columns - 1) / b.Columns);
        while (Items(b, rows, columns) < MinItems && b.Columns > NR && b.Columns < 2 * columns)
            b = b with { Columns = Math.Max(NR, b.Columns / 2 / NR * NR) };
        while (Items(b, rows, columns) < MinItems && b.Rows > 4 * MR)
            b = b with { Rows = Math.Max(4 * MR, b.Rows / 2 / MR * MR) };
        return b;
    }

    /// <summary>Work items a product is cut into at least, where its size allows (two cores, with room to balance).</summary>
    private const int MinItems = 8;

    private static void CpuForward(Tensor x, Tensor weight, Tensor? bias, Tensor y, Geometry g, CpuBlocking blocking, Conv2dPrepared? prepared)
    {
        var device = x.Device;
        // One product per group: the group's filters [GroupO, GroupC*KH*KW] times its channels' im2col matrix.
        var depth = g.GroupC * g.KH * g.KW;
        var rows = RoundUp(g.GroupO, MR);
        var packedA = Panels(weight, g, g.GroupO, depth, depth, 1, blocking.Depth, prepared, Conv2dPrepared.Form.Forward);
        var input = new PaddedInput(g);
        var pointwise = Pointwise(g);
        var padded = pointwise ? null : device.Scratch.Shared(Slot.Operand, input.Length);
        blocking = Balanced(blocking, g.Groups * g.GroupO, input.Columns);
        var (rowBlocks, columnBlocks) = ((g.GroupO + blocking.Rows - 1) / blocking.Rows, (input.Columns + blocking.Columns - 1) / blocking.Columns);
        var groupItems = rowBlocks * columnBlocks;
        var biasValues = bias is null ? null : bias.Pointer;
        for (var n = 0; n < x.N; n++)
        {
            if (pointwise) padded = x.Pointer + (long)n * g.C * g.H * g.W;
            else Pad(x, n, g, input, padded);
            var output = y.Pointer + (long)n * g.O * g.OH * g.OW;
            CpuParallel.For(device, g.Groups * groupItems, 2L * blocking.Rows * blocking.Columns * depth, item =>
            {
                var (group, rest) = Math.DivRem(item, groupItems);
                var (m0, j0) = (rest / columnBlocks * blocking.Rows, rest % columnBlocks * blocking.Columns);
                var (mc, nc) = (Math.Min(blocking.Rows, g.GroupO - m0), Math.Min(blocking.Columns, input.Columns - j0));
                var columnPanels = RoundUp(nc, NR) / NR;
                var block = device.Scratch.Local(Local.Block, (long)blocking.Rows * blocking.Columns);
                var panels = device.Scratch.Local(Local.PackedB, (long)blocking.Columns * blocking.Depth);
                var groupA = packedA + (long)group * rows * depth;
                for (var k0 = 0; k0 < depth; k0 += blocking.Depth)
                {
                    var kc = Math.Min(blocking.Depth, depth - k0);
                    PackColumns(padded, input, g, group * g.GroupC, k0, kc, j0, nc, panels);
                    Multiply(groupA + (long)rows * k0 + (long)m0 * kc, panels, kc, RoundUp(mc, MR) / MR, columnPanels,
                        block, columnPanels * NR, k0 > 0);
                }
                StoreForward(block, columnPanels * NR, group * g.GroupO + m0, mc, j0, nc, input, g, biasValues, output);
            });
        }
    }

    /// <summary>Copies image n into the zero-padded planes (parallel over channels).</summary>
    private static void Pad(Tensor x, int n, Geometry g, PaddedInput input, float* padded)
    {
        PadPlanes(x.Device, x.Pointer + (long)n * g.C * g.H * g.W, g.C, g.H, g.W, g.PadTop, g.PadLeft, input.Plane / input.Width,
            input.Width, padded);
        new Span<float>(padded + (long)g.C * input.Plane, input.Tail).Clear();
    }

    /// <summary>
    /// Packs the im2col rows k0 .. k0 + kc (taps of the channels from <paramref name="channel0"/> on), columns
    /// j0 .. j0 + nc, into NR-wide panels (zero past the grid).
    /// </summary>
    private static void PackColumns(float* padded, PaddedInput input, Geometry g, int channel0, int k0, int kc, int j0, int nc,
        float* panels)
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
                var source = padded + (long)(channel0 + c) * input.Plane + ky * g.DilationH * input.Width + kx * g.DilationW;
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

    private static void CpuBackwardInput(Tensor dy, Tensor weight, Tensor dx, Geometry g, CpuBlocking blocking, Conv2dPrepared? prepared)
    {
        var device = dx.Device;
        var taps = g.KH * g.KW;
        // Per group: A = W_group^T [GroupC*KH*KW, GroupO], B = dy[n, group] [GroupO, OH*OW].
        var (tapRows, pixels, depth) = (g.GroupC * taps, g.OH * g.OW, g.GroupO);
        var paddedTaps = RoundUp(tapRows, MR);
        // A = W^T: row (c, ky, kx), depth o; W[o] is a contiguous row of all taps.
        var packedA = Panels(weight, g, tapRows, depth, 1, tapRows, blocking.Depth, prepared, Conv2dPrepared.Form.Backward);
        var paddedPixels = RoundUp(pixels, NR);
        var packedB = device.Scratch.Shared(Slot.Operand, (long)paddedPixels * depth);
        // Pointwise: the columns of all the group's channels are dx itself. Otherwise a bunch of whole channels (at least
        // one) whose columns fit the scratch budget.
        var pointwise = Pointwise(g);
        var bunch = pointwise ? g.GroupC : Math.Clamp(blocking.Scratch / Math.Max(1, taps * pixels), 1, g.GroupC);
        var columns = pointwise ? null : device.Scratch.Shared(Slot.Columns, (long)bunch * taps * pixels);
        blocking = Balanced(blocking, bunch * taps, pixels);
        var columnBlocks = (pixels + blocking.Columns - 1) / blocking.Columns;
        for (var n = 0; n < dx.N; n++)
        for (var group = 0; group < g.Groups; group++)
        {
            Pack(device, dy.Pointer + ((long)n * g.O + group * depth) * pixels, depth, pixels, pixels, 1, NR, blocking.Depth, packedB);
            var groupA = packedA + (long)group * paddedTaps * depth;
            for (var c0 = 0; c0 < g.GroupC; c0 += bunch)
            {
                var channels = Math.Min(bunch, g.GroupC - c0);
                if (pointwise) columns = dx.Pointer + ((long)n * g.C + group * g.GroupC) * pixels;
                // Packed A panels start at multiples of MR: start there and drop the rows before the group.
                var (first, end) = (c0 * taps, (c0 + channels) * taps);
                var aligned = first / MR * MR;
                var rowBlocks = (end - aligned + blocking.Rows - 1) / blocking.Rows;
                CpuParallel.For(device, rowBlocks * columnBlocks, 2L * blocking.Rows * blocking.Columns * depth, item =>
                {
                    var (m0, j0) = (aligned + item / columnBlocks * blocking.Rows, item % columnBlocks * blocking.Columns);
                    var (mc, nc) = (Math.Min(blocking.Rows, end - m0), Math.Min(blocking.Columns, pixels - j0));
                    var columnPanels = RoundUp(nc, NR) / NR;
                    var block = device.Scratch.Local(Local.Block, (long)blocking.Rows * blocking.Columns);
                    for (var k0 = 0; k0 < depth; k0 += blocking.Depth)
                    {
                        var kc = Math.Min(blocking.Depth, depth - k0);
                        Multiply(groupA + (long)paddedTaps * k0 + (long)m0 * kc,
                            packedB + (long)paddedPixels * k0 + (long)j0 * kc, kc, RoundUp(mc, MR) / MR, columnPanels,
                            block, columnPanels * NR, k0 > 0);
                    }
                    for (var r = Math.Max(0, first - m0); r < mc; r++)
                        new ReadOnlySpan<float>(block + (long)r * columnPanels * NR, nc)
                            .CopyTo(new Span<float>(columns + (long)(m0 + r - first) * pixels + j0, nc));
                });
                if (!pointwise) GatherColumns(dx, n, group * g.GroupC + c0, channels, g, columns);
            }
        }
    }

    /// <summary>
    /// dx[n, c0 + c, iy, ix] = the sum over taps (ky, kx) of the column entry of the output pixel that read it, in tap order
    /// (columns hold <paramref name="channels"/> channels' taps, channel c's from row c * KH * KW on).
    /// </summary>
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
                    var ty = iy + g.PadTop - ky * g.DilationH;
                    if (ty < 0 || ty % g.StrideH != 0 || ty / g.StrideH >= g.OH) continue;
                    for (var kx = 0; kx < g.KW; kx++)
                    {
                        var source = columns + ((long)c * taps + ky * g.KW + kx) * pixels + ty / g.StrideH * g.OW;
                        // Output column ox reads input column ox * stride - pad + kx * dilation.
                        var shift = g.PadLeft - kx * g.DilationW;
                        var reach = g.W - 1 + shift;
                        var oxFirst = Math.Max(0, (shift + g.StrideW - 1) / g.StrideW);
                        var oxEnd = Math.Min(g.OW, reach / g.StrideW + 1);
                        if (reach < 0 || oxFirst >= oxEnd) continue;
                        var ixFirst = oxFirst * g.StrideW - shift;
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

    /// <summary>
    /// How the direct path (<see cref="CpuDirectForward"/>) sees one zero-padded plane: <see cref="Rows"/> padded rows, each split
    /// into StrideW phases of <see cref="PhaseWidth"/> (phase q holds padded columns q, q + StrideW, ...),
    /// so that tap (ky, kx) of a whole output row, padded columns ox * StrideW + kx * DilationW, is one
    /// contiguous run: phase (kx * DilationW) % StrideW from (kx * DilationW) / StrideW on. With stride 1
    /// there is one phase, the padded row itself.
    /// </summary>
    private readonly struct PhasePlane(Geometry g)
    {
        public readonly int Rows = g.H + g.PadTop + g.PadBottom;
        public readonly int PhaseWidth = (g.W + g.PadLeft + g.PadRight + g.StrideW - 1) / g.StrideW;
        public readonly int Stride = g.StrideW;
        public int RowLength => Stride * PhaseWidth;
        public long Length => (long)Rows * RowLength;

        /// <summary>Where padded (row, column) lives.</summary>
        public long Offset(int row, int column) => (long)row * RowLength + column % Stride * PhaseWidth + column / Stride;

        /// <summary>
        /// start + the offset of each tap's run for output row 0, in tap order (add oy * StrideH * RowLength for row oy).
        /// </summary>
        public void TapOffsets(Geometry g, Span<long> offsets, long start = 0)
        {
            for (var ky = 0; ky < g.KH; ky++)
            for (var kx = 0; kx < g.KW; kx++)
                offsets[ky * g.KW + kx] = start + Offset(ky * g.DilationH, kx * g.DilationW);
        }
    }

    /// <summary>Filters per group up to which grouped convolutions skip the product (it would fill few of a 6-row micro-tile's rows).</summary>
    private const int DirectMaxFilters = 8;

    /// <summary>Channel taps per group (C/G * KH * KW) up to which they do.</summary>
    private const int DirectMaxTaps = 512;

    /// <summary>
    /// Whether the cpu device runs a grouped convolution directly (<see cref="CpuDirectForward"/>): depthwise ones, where
    /// a product's depth would be KH*KW, and narrow groups (ResNeXt's 4 filters per group), where each im2col panel
    /// would serve a few filters only.
    /// </summary>
    private static bool CpuDirect(Geometry g) =>
        g.Groups > 1 && (g.GroupC == 1 || g.GroupO <= DirectMaxFilters) && g.GroupC * g.KH * g.KW <= DirectMaxTaps;

    /// <summary>
    /// Direct forward of a depthwise or narrow-grouped convolution: per image and group, the group's input planes are
    /// copied zero-padded and split into stride phases (<see cref="PhasePlane"/>), then each output row of each of the
    /// group's filters accumulates every channel tap in registers, 32 and 8 pixels at a time, in tap order. One image
    /// and group per work item: the same bits with any thread count.
    /// </summary>
    private static void CpuDirectForward(Tensor x, Tensor weight, Tensor? bias, Tensor y, Geometry g)
    {
        var device = x.Device;
        var taps = g.GroupC * g.KH * g.KW;
        var layout = new PhasePlane(g);
        float* xs = x.Pointer, ws = weight.Pointer, ys = y.Pointer, bs = bias is null ? null : bias.Pointer;
        CpuParallel.For(device, x.N * g.Groups, 2L * g.GroupO * g.OH * g.OW * taps + g.GroupC * layout.Length, item =>
        {
            var (n, group) = Math.DivRem(item, g.Groups);
            var planes = device.Scratch.Local(Local.PackedB, g.GroupC * layout.Length);
            for (var c = 0; c < g.GroupC; c++)
                PadPlane(xs + ((long)n * g.C + group * g.GroupC + c) * g.H * g.W, g, layout, planes + c * layout.Length);
            // Weights [GroupC, KH, KW] per filter: the offsets in that order.
            Span<long> offsets = stackalloc long[taps];
            for (var c = 0; c < g.GroupC; c++)
                layout.TapOffsets(g, offsets.Slice(c * g.KH * g.KW, g.KH * g.KW), c * layout.Length);
            for (var o = group * g.GroupO; o < (group + 1) * g.GroupO; o++)
            {
                var w = ws + (long)o * taps;
                var start = bs is null ? 0f : bs[o];
                var output = ys + ((long)n * g.O + o) * g.OH * g.OW;
                for (var oy = 0; oy < g.OH; oy++)
                    DepthwiseRow(planes + (long)oy * g.StrideH * layout.RowLength, offsets, w, start, output + (long)oy * g.OW, g.OW);
            }
        });
    }

    /// <summary>Copies one input plane into <paramref name="plane"/>, zero-padded and split into stride phases.</summary>
    private static void PadPlane(float* from, Geometry g, PhasePlane layout, float* plane)
    {
        new Span<float>(plane, (int)layout.Length).Clear();
        for (var h = 0; h < g.H; h++)
        {
            var source = from + (long)h * g.W;
            if (layout.Stride == 1)
                new ReadOnlySpan<float>(source, g.W).CopyTo(new Span<float>(plane + layout.Offset(g.PadTop + h, g.PadLeft), g.W));
            else if (layout.Stride == 2 && Avx2.IsSupported)
                SplitPairs(source, g.W, PhaseStart(layout, g, g.PadTop + h, g.PadLeft & 1, plane, out var j0, out _) + j0,
                    PhaseStart(layout, g, g.PadTop + h, (g.PadLeft + 1) & 1, plane, out var j1, out _) + j1);
            else
                for (var q = 0; q < layout.Stride; q++)
                {
                    var phase = PhaseStart(layout, g, g.PadTop + h, q, plane, out var j, out var w);
                    for (; w < g.W; j++, w += layout.Stride) phase[j] = source[w];
                }
        }
    }

    /// <summary>even[i] = source[2i], odd[i] = source[2i + 1] for 2i (+ 1) &lt; count: stride 2's two phases, 16 values per step.</summary>
    private static void SplitPairs(float* source, int count, float* even, float* odd)
    {
        var i = 0;
        for (; 2 * i + 16 <= count; i += 8)
        {
            Vector256<float> a = Vector256.Load(source + 2 * i), b = Vector256.Load(source + 2 * i + 8);
            // Per 128-bit lane [a0 a2 b0 b2], then the 64-bit pairs reordered to [a0 a2 a4 a6 b0 b2 b4 b6].
            Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle().Store(even + i);
            Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle().Store(odd + i);
        }
        for (; 2 * i < count; i++)
        {
            even[i] = source[2 * i];
            if (2 * i + 1 < count) odd[i] = source[2 * i + 1];
        }
    }

    /// <summary>The inverse of <see cref="SplitPairs"/>: target[2i] = even[i], target[2i + 1] = odd[i].</summary>
    private static void MergePairs(float* even, float* odd, int count, float* target)
    {
        var i = 0;
        for (; 2 * i + 16 <= count; i += 8)
        {
            Vector256<float> e = Vector256.Load(even + i), o = Vector256.Load(odd + i);
            Vector256<float> low = Avx.UnpackLow(e, o), high = Avx.UnpackHigh(e, o);
            Avx.Permute2x128(low, high, 0x20).Store(target + 2 * i);
            Avx.Permute2x128(low, high, 0x31).Store(target + 2 * i + 8);
        }
        for (; 2 * i < count; i++)
        {
            target[2 * i] = even[i];
            if (2 * i + 1 < count) target[2 * i + 1] = odd[i];
        }
    }

    /// <summary>Phase q of a padded row: its start, the first index j in it that holds an input column, and that column w.</summary>
    private static float* PhaseStart(PhasePlane layout, Geometry g, int row, int q, float* plane, out int j, out int w)
    {
        // Phase q holds padded columns q + j * stride, input column q + j * stride - PadLeft.
        j = Math.Max(0, (g.PadLeft - q + layout.Stride - 1) / layout.Stride);
        w = q + j * layout.Stride - g.PadLeft;
        return plane + (long)row * layout.RowLength + (long)q * layout.PhaseWidth;
    }

    /// <summary>out[j] = start + the sum over taps t, in order, of w[t] * row[offsets[t] + j], for j &lt; count.</summary>
    private static void DepthwiseRow(float* row, ReadOnlySpan<long> offsets, float* w, float start, float* output, int count)
    {
        var j = 0;
        var initial = Vector256.Create(start);
        for (; j + 32 <= count; j += 32)
        {
            Vector256<float> a0 = initial, a1 = initial, a2 = initial, a3 = initial;
            for (var t = 0; t < offsets.Length; t++)
            {
                var wt = Vector256.Create(w[t]);
                var source = row + offsets[t] + j;
                a0 = MulAdd(wt, Vector256.Load(source), a0);
                a1 = MulAdd(wt, Vector256.Load(source + 8), a1);
                a2 = MulAdd(wt, Vector256.Load(source + 16), a2);
                a3 = MulAdd(wt, Vector256.Load(source + 24), a3);
            }
            a0.Store(output + j);
            a1.Store(output + j + 8);
            a2.Store(output + j + 16);
            a3.Store(output + j + 24);
        }
        for (; j + 8 <= count; j += 8)
        {
            var a = initial;
            for (var t = 0; t < offsets.Length; t++)
                a = MulAdd(Vector256.Create(w[t]), Vector256.Load(row + offsets[t] + j), a);
            a.Store(output + j);
        }
        for (; j < count; j++)
        {
            var a = start;
            for (var t = 0; t < offsets.Length; t++) a = ScalarMulAdd(w[t], row[offsets[t] + j], a);
            output[j] = a;
        }
    }

    /// <summary>a * b + c, fused exactly when <see cref="MulAdd"/> is, so the tail of a row rounds as its vectors do.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float ScalarMulAdd(float a, float b, float c) => Fma.IsSupported ? MathF.FusedMultiplyAdd(a, b, c) : a * b + c;

    /// <summary>
    /// Direct backward of a depthwise or narrow-grouped convolution: per image and group, each of the group's filters'
    /// output gradient rows is added, weighted by each channel tap, into zero-padded, phase-split accumulator planes of
    /// the group's channels (every tap's run contiguous, as in the forward), in the fixed order (filter, oy, channel, ky,
    /// kx); then the planes' interiors are dx. One image and group per work item: no atomics, the same bits with any
    /// thread count.
    /// </summary>
    private static void CpuDirectBackwardInput(Tensor dy, Tensor weight, Tensor dx, Geometry g)
    {
        var device = dx.Device;
        var (planeTaps, taps) = (g.KH * g.KW, g.GroupC * g.KH * g.KW);
        var layout = new PhasePlane(g);
        float* dys = dy.Pointer, ws = weight.Pointer, dxs = dx.Pointer;
        CpuParallel.For(device, dx.N * g.Groups, 2L * g.GroupO * g.OH * g.OW * taps + g.GroupC * layout.Length, item =>
        {
            var (n, group) = Math.DivRem(item, g.Groups);
            var planes = device.Scratch.Local(Local.PackedB, g.GroupC * layout.Length);
            new Span<float>(planes, (int)(g.GroupC * layout.Length)).Clear();
            Span<long> offsets = stackalloc long[taps];
            for (var c = 0; c < g.GroupC; c++)
                layout.TapOffsets(g, offsets.Slice(c * planeTaps, planeTaps), c * layout.Length);
            for (var o = group * g.GroupO; o < (group + 1) * g.GroupO; o++)
            {
                var w = ws + (long)o * taps;
                var gradient = dys + ((long)n * g.O + o) * g.OH * g.OW;
                for (var oy = 0; oy < g.OH; oy++)
                {
                    var target = planes + (long)oy * g.StrideH * layout.RowLength;
                    var source = gradient + (long)oy * g.OW;
                    for (var t = 0; t < taps; t++) Axpy(w[t], source, target + offsets[t], g.OW);
                }
            }
            for (var c = 0; c < g.GroupC; c++)
            {
                var plane = planes + c * layout.Length;
                var to = dxs + ((long)n * g.C + group * g.GroupC + c) * g.H * g.W;
                for (var h = 0; h < g.H; h++)
                {
                    var row = to + (long)h * g.W;
                    if (layout.Stride == 1)
                        new ReadOnlySpan<float>(plane + layout.Offset(g.PadTop + h, g.PadLeft), g.W).CopyTo(new Span<float>(row, g.W));
                    else if (layout.Stride == 2 && Avx2.IsSupported)
                        MergePairs(PhaseStart(layout, g, g.PadTop + h, g.PadLeft & 1, plane, out var j0, out _) + j0,
                            PhaseStart(layout, g, g.PadTop + h, (g.PadLeft + 1) & 1, plane, out var j1, out _) + j1, g.W, row);
                    else
                        for (var q = 0; q < layout.Stride; q++)
                        {
                            var phase = PhaseStart(layout, g, g.PadTop + h, q, plane, out var j, out var w);
                            for (; w < g.W; j++, w += layout.Stride) row[w] = phase[j];
                        }
                }
            }
        });
    }

    /// <summary>y[j] = a * x[j] + y[j] for j &lt; count, fused as <see cref="MulAdd"/>.</summary>
    private static void Axpy(float a, float* x, float* y, int count)
    {
        var j = 0;
        var av = Vector256.Create(a);
        for (; j + 8 <= count; j += 8) MulAdd(av, Vector256.Load(x + j), Vector256.Load(y + j)).Store(y + j);
        for (; j < count; j++) y[j] = ScalarMulAdd(a, x[j], y[j]);
    }
}
