using System.Numerics;
using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Fft2d on the cpu device: one plane per work item, in the calling thread's scratch memory; both
/// passes run <see cref="ComplexFft"/> on split real and imaginary parts, sequences padded to whole
/// vectors (the padding lanes hold zeros and are never read back). The inverse is the conjugate of
/// the forward transform of the conjugate.
/// </summary>
public sealed partial class Fft2d
{
    /// <summary>Lanes rounded up to whole vectors.</summary>
    private static int Padded(int lanes) => (lanes + Vector<float>.Count - 1) / Vector<float>.Count * Vector<float>.Count;

    /// <summary>The plan and layout of one cpu call: two ping-pong buffers of <see cref="Block"/> floats, then the transforms' work.</summary>
    private readonly struct CpuLayout(Sizes s)
    {
        public readonly ComplexFft Rows = ComplexFft.For(s.Width), Columns = ComplexFft.For(s.Height);
        public readonly int RowStride = Padded(s.Pairs), ColumnStride = Padded(s.Columns);
        public int Block => 2 * Math.Max(s.Width * RowStride, s.Height * ColumnStride);
        public long Floats => 2L * Block + Math.Max(Rows.WorkFloats(RowStride), Columns.WorkFloats(ColumnStride));

        /// <summary>Element operations per plane, for <see cref="CpuParallel.For"/>.</summary>
        public long Work => (long)Block * (BitOperations.Log2((uint)Block) + 1);
    }

    /// <summary>This thread's scratch, cut into the two buffers and the work.</summary>
    private unsafe Span<float> Buffers(in CpuLayout layout, out Span<float> b, out Span<float> work)
    {
        var block = layout.Block;
        var memory = new Span<float>(_device.Scratch.Local(CpuScratch.LocalSlot.Block, layout.Floats), (int)layout.Floats);
        b = memory.Slice(block, block);
        work = memory[(2 * block)..];
        return memory[..block];
    }

    private void CpuAnalyze(Tensor image, Tensor spectrum, bool weighted)
    {
        var (s, layout) = (_sizes, new CpuLayout(_sizes));
        var (planeImage, planeSpectrum) = (s.Height * s.Width, 2 * s.Height * s.Columns);
        CpuParallel.For(_device, _planes, layout.Work, p =>
        {
            var a = Buffers(layout, out var b, out var work);
            PackRows(image.Span.Slice(p * planeImage, planeImage), a, s, layout.RowStride);
            var rows = layout.Rows.Forward(a, b, work, layout.RowStride);
            var rowsInA = rows.Overlaps(a);
            var rowBuffer = rowsInA ? a : b;
            var columnBuffer = rowsInA ? b : a;
            SplitRows(rows, columnBuffer, s, layout.RowStride, layout.ColumnStride);
            var columns = layout.Columns.Forward(columnBuffer, rowBuffer, work, layout.ColumnStride);
            var output = spectrum.Span.Slice(p * planeSpectrum, planeSpectrum);
            var (stride, imaginary) = (layout.ColumnStride, s.Height * layout.ColumnStride);
            for (var ky = 0; ky < s.Height; ky++)
                for (var kx = 0; kx < s.Columns; kx++)
                {
                    var scale = s.Scale * ColumnWeight(kx, weighted ? s.Width : 0);
                    var at = ky * stride + kx;
                    (output[2 * (ky * s.Columns + kx)], output[2 * (ky * s.Columns + kx) + 1]) = (scale * columns[at], scale * columns[imaginary + at]);
                }
        });
    }

    private void CpuSynthesize(Tensor spectrum, Tensor image, bool weighted)
    {
        var (s, layout) = (_sizes, new CpuLayout(_sizes));
        var (planeImage, planeSpectrum) = (s.Height * s.Width, 2 * s.Height * s.Columns);
        CpuParallel.For(_device, _planes, layout.Work, p =>
        {
            var a = Buffers(layout, out var b, out var work);
            var input = spectrum.Span.Slice(p * planeSpectrum, planeSpectrum);
            var (stride, imaginary) = (layout.ColumnStride, s.Height * layout.ColumnStride);
            for (var ky = 0; ky < s.Height; ky++)
            {
                for (var kx = 0; kx < s.Columns; kx++)
                {
                    var scale = s.Scale * ColumnWeight(kx, weighted ? s.Width : 0);
                    var at = 2 * (ky * s.Columns + kx);
                    (a[ky * stride + kx], a[imaginary + ky * stride + kx]) = (scale * input[at], -scale * input[at + 1]);
                }
                a.Slice(ky * stride + s.Columns, stride - s.Columns).Clear();
                a.Slice(imaginary + ky * stride + s.Columns, stride - s.Columns).Clear();
            }
            var columns = layout.Columns.Forward(a, b, work, layout.ColumnStride);
            var columnsInA = columns.Overlaps(a);
            var columnBuffer = columnsInA ? a : b;
            var rowBuffer = columnsInA ? b : a;
            PairRows(columns, rowBuffer, s, layout.ColumnStride, layout.RowStride);
            var rows = layout.Rows.Forward(rowBuffer, columnBuffer, work, layout.RowStride);
            UnpackRows(rows, image.Span.Slice(p * planeImage, planeImage), s, layout.RowStride);
        });
    }

    /// <summary>Rows 2q and 2q + 1 as the real and imaginary parts of sequence q, laid out [w][q].</summary>
    private static void PackRows(ReadOnlySpan<float> x, Span<float> rows, Sizes s, int stride)
    {
        var imaginary = s.Width * stride;
        for (var w = 0; w < s.Width; w++)
        {
            rows.Slice(w * stride + s.Pairs, stride - s.Pairs).Clear();
            rows.Slice(imaginary + w * stride + s.Pairs, stride - s.Pairs).Clear();
        }
        for (var q = 0; q < s.Pairs; q++)
        {
            var even = x.Slice(2 * q * s.Width, s.Width);
            var odd = 2 * q + 1 < s.Height ? x.Slice((2 * q + 1) * s.Width, s.Width) : [];
            for (var w = 0; w < s.Width; w++)
                (rows[w * stride + q], rows[imaginary + w * stride + q]) = (even[w], odd.IsEmpty ? 0f : odd[w]);
        }
    }

    /// <summary>Row h's spectrum from its pair's F: (F[k] + conj F[-k]) / 2 for even h, (F[k] - conj F[-k]) / 2i for odd, laid out [h][kx].</summary>
    private static void SplitRows(ReadOnlySpan<float> rows, Span<float> columns, Sizes s, int rowStride, int columnStride)
    {
        var (rowImaginary, columnImaginary) = (s.Width * rowStride, s.Height * columnStride);
        for (var h = 0; h < s.Height; h++)
        {
            var (q, even) = (h / 2, h % 2 == 0);
            var row = h * columnStride;
            for (var kx = 0; kx < s.Columns; kx++)
            {
                var (at, mirror) = (kx * rowStride + q, (s.Width - kx) % s.Width * rowStride + q);
                var (fr, fi, gr, gi) = (rows[at], rows[rowImaginary + at], rows[mirror], rows[rowImaginary + mirror]);
                columns[row + kx] = 0.5f * (even ? fr + gr : fi + gi);
                columns[columnImaginary + row + kx] = 0.5f * (even ? fi - gi : gr - fr);
            }
            columns.Slice(row + s.Columns, columnStride - s.Columns).Clear();
            columns.Slice(columnImaginary + row + s.Columns, columnStride - s.Columns).Clear();
        }
    }

    /// <summary>
    /// From R = FFT(conj Z) of the columns (so the rows' one-sided spectra are Y = conj R), the conjugate
    /// of sequence q = H_2q + i H_(2q+1), laid out [k][q], H_h[k] = (Y_h[k] + conj Y_h[-k]) / 2 (Y zero beyond the stored half).
    /// </summary>
    private static void PairRows(ReadOnlySpan<float> columns, Span<float> rows, Sizes s, int columnStride, int rowStride)
    {
        var (columnImaginary, rowImaginary) = (s.Height * columnStride, s.Width * rowStride);
        for (var k = 0; k < s.Width; k++)
        {
            var mirror = (s.Width - k) % s.Width;
            for (var q = 0; q < s.Pairs; q++)
            {
                var (ar, ai) = HermitianPart(columns, 2 * q * columnStride, columnImaginary, k, mirror, s.Columns);
                var (br, bi) = 2 * q + 1 < s.Height ? HermitianPart(columns, (2 * q + 1) * columnStride, columnImaginary, k, mirror, s.Columns) : (0f, 0f);
                (rows[k * rowStride + q], rows[rowImaginary + k * rowStride + q]) = (ar - bi, -(ai + br));
            }
            rows.Slice(k * rowStride + s.Pairs, rowStride - s.Pairs).Clear();
            rows.Slice(rowImaginary + k * rowStride + s.Pairs, rowStride - s.Pairs).Clear();
        }
    }

    /// <summary>(Y[k] + conj Y[mirror]) / 2 of the row at <paramref name="row"/>, Y = conj R, zero beyond the stored columns.</summary>
    private static (float Re, float Im) HermitianPart(ReadOnlySpan<float> columns, int row, int imaginary, int k, int mirror, int stored)
    {
        var (zr, zi) = k < stored ? (columns[row + k], -columns[imaginary + row + k]) : (0f, 0f);
        var (mr, mi) = mirror < stored ? (columns[row + mirror], -columns[imaginary + row + mirror]) : (0f, 0f);
        return (0.5f * (zr + mr), 0.5f * (zi - mi));
    }

    /// <summary>Row h: the real (even h) or imaginary (odd h) part of the conjugate of its pair's transform.</summary>
    private static void UnpackRows(ReadOnlySpan<float> rows, Span<float> x, Sizes s, int stride)
    {
        var imaginary = s.Width * stride;
        for (var h = 0; h < s.Height; h++)
        {
            var (q, even) = (h / 2, h % 2 == 0);
            for (var w = 0; w < s.Width; w++)
                x[h * s.Width + w] = even ? rows[w * stride + q] : -rows[imaginary + w * stride + q];
        }
    }
}
