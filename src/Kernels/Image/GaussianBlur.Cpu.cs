using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Tensor = DeepVis.Kernels.Runtime.Tensor;
using DeepVis.Kernels.Cpu;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Gaussian blur and its adjoint on the cpu device. Each pass works on image rows, a fixed block of
/// rows per work item: the horizontal pass vectorizes the row's interior across output columns, the
/// vertical pass combines whole source rows (contiguous) with the output coordinate's taps. Every
/// output adds the same terms in the same order as the ILGPU kernel.
/// </summary>
public static partial class GaussianBlur
{
    /// <summary>Rows per work item: the tap weights are computed once per item.</summary>
    private const int RowsPerItem = 16;

    /// <summary>The terms of one output coordinate, in up to three groups (the adjoint's gathers), each summed on its own.</summary>
    private ref struct Taps
    {
        public Span<float> Weights;
        public Span<int> Sources;
        public Span<int> Ends;
        public int Groups;

        /// <summary>The forward taps t = -r..r of coordinate c, or the adjoint's gathers at m = c, -c and 2(n - 1) - c.</summary>
        public void Build(int c, int n, ReadOnlySpan<float> w, bool adjoint)
        {
            var (count, r) = (0, w.Length - 1);
            Groups = 0;
            if (!adjoint)
            {
                for (var t = -r; t <= r; t++) Add(ref count, w[Math.Abs(t)], Reflect(c + t, n));
                Ends[Groups++] = count;
                return;
            }
            Gather(ref count, c, n, w);
            if (c > 0) Gather(ref count, -c, n, w);
            if (c < n - 1) Gather(ref count, 2 * (n - 1) - c, n, w);
        }

        private void Gather(ref int count, int m, int n, ReadOnlySpan<float> w)
        {
            var r = w.Length - 1;
            var last = Math.Min(n - 1, m + r);
            for (var j = Math.Max(0, m - r); j <= last; j++) Add(ref count, w[Math.Abs(m - j)], j);
            Ends[Groups++] = count;
        }

        private readonly void Add(ref int count, float weight, int source)
        {
            Weights[count] = weight;
            Sources[count++] = source;
        }

        /// <summary>The unnormalized sum for the line whose coordinate j lies at line[j * stride].</summary>
        public readonly float Apply(ReadOnlySpan<float> line, int stride)
        {
            var (total, k) = (0f, 0);
            for (var g = 0; g < Groups; g++)
            {
                var sum = 0f;
                for (; k < Ends[g]; k++) sum += Weights[k] * line[Sources[k] * stride];
                total = g == 0 ? sum : total + sum;
            }
            return total;
        }

        /// <summary>
        /// output[column] = <see cref="Apply"/> / norm for every column of a plane whose coordinate j is row j:
        /// eight columns at once (the loads read whole rows), then the tail one at a time.
        /// </summary>
        public readonly void ApplyRows(ReadOnlySpan<float> plane, int width, float norm, Span<float> output)
        {
            ReadOnlySpan<float> weights = Weights;
            ReadOnlySpan<int> sources = Sources;
            ReadOnlySpan<int> ends = Ends;
            ref var first = ref MemoryMarshal.GetReference(plane);
            if (width < Vector256<float>.Count)
            {
                for (var column = 0; column < width; column++) output[column] = Apply(plane.Slice(column), width) / norm;
                return;
            }
            // Eight columns at once; the last block ends at the row's end, overlapping the one before
            // (it writes the same values again). Unchecked loads: every row offset is below the
            // plane's height and column + 8 <= width.
            for (var start = 0; start < width; start += Vector256<float>.Count)
            {
                var column = Math.Min(start, width - Vector256<float>.Count);
                var (total, k) = (Vector256<float>.Zero, 0);
                for (var g = 0; g < Groups; g++)
                {
                    var sum = Vector256<float>.Zero;
                    for (; k < ends[g]; k++) sum += Vector256.Create(weights[k]) * Vector256.LoadUnsafe(ref first, (nuint)(sources[k] * width + column));
                    total = g == 0 ? sum : total + sum;
                }
                (total / norm).CopyTo(output.Slice(column));
            }
        }
    }

    private static void CpuForward(Tensor x, Tensor scratch, Tensor y, Pass horizontal, Pass vertical)
    {
        CpuPass(x, scratch, horizontal, adjoint: false);
        CpuPass(scratch, y, vertical, adjoint: false);
    }

    private static void CpuBackward(Tensor dy, Tensor scratch, Tensor dx, Pass horizontal, Pass vertical)
    {
        CpuPass(dy, scratch, vertical, adjoint: true);
        CpuPass(scratch, dx, horizontal, adjoint: true);
    }

    /// <summary>One 1-D pass (or its adjoint) along W (stride 1) or H (stride W), input to a distinct output.</summary>
    private static void CpuPass(Tensor input, Tensor output, Pass p, bool adjoint)
    {
        var (height, width) = (input.H, input.W);
        var rows = input.Length / width;
        var length = 3 * (2 * p.Radius + 1);
        CpuParallel.For(input.Device, (rows + RowsPerItem - 1) / RowsPerItem, (long)RowsPerItem * width * (2 * p.Radius + 1), item =>
        {
            Span<float> w = stackalloc float[p.Radius + 1];
            var norm = CpuWeights(p, w);
            var taps = new Taps { Weights = stackalloc float[length], Sources = stackalloc int[length], Ends = stackalloc int[3] };
            var source = input.Span;
            var destination = output.Span;
            for (var row = item * RowsPerItem; row < Math.Min(rows, (item + 1) * RowsPerItem); row++)
            {
                var outputRow = destination.Slice(row * width, width);
                if (p.Stride == 1)
                {
                    CpuRow(source.Slice(row * width, width), outputRow, w, norm, ref taps, adjoint);
                    continue;
                }
                var plane = row / height;
                var h = row - plane * height;
                taps.Build(h, height, w, adjoint);
                taps.ApplyRows(source.Slice(plane * height * width, height * width), width, norm, outputRow);
            }
        });
    }

    /// <summary>
    /// The horizontal pass over one row. Away from the borders (r &lt; c &lt; n - 1 - r) the adjoint's
    /// only non-empty gather is the forward sum, so both are the same vector loop there.
    /// </summary>
    private static void CpuRow(ReadOnlySpan<float> line, Span<float> output, ReadOnlySpan<float> w, float norm, ref Taps taps, bool adjoint)
    {
        var (n, r) = (line.Length, w.Length - 1);
        var interiorStart = Math.Min(r + 1, n);
        var interiorEnd = Math.Max(interiorStart, n - 1 - r);
        if (interiorEnd - interiorStart < Vector256<float>.Count)
        {
            CpuColumns(line, output, 0, n, w, norm, ref taps, adjoint);
            return;
        }
        // Eight outputs at once, the last block overlapping the one before so that it ends at the
        // interior's end. Unchecked loads and stores: 0 < c - r and c + 8 + r < n.
        ref var input = ref MemoryMarshal.GetReference(line);
        ref var result = ref MemoryMarshal.GetReference(output);
        for (var start = interiorStart; start < interiorEnd; start += Vector256<float>.Count)
        {
            var c = Math.Min(start, interiorEnd - Vector256<float>.Count);
            var sum = Vector256<float>.Zero;
            for (var t = -r; t <= r; t++) sum += Vector256.Create(w[Math.Abs(t)]) * Vector256.LoadUnsafe(ref input, (nuint)(c + t));
            (sum / norm).StoreUnsafe(ref result, (nuint)c);
        }
        CpuColumns(line, output, 0, interiorStart, w, norm, ref taps, adjoint);
        CpuColumns(line, output, interiorEnd, n, w, norm, ref taps, adjoint);
    }

    /// <summary>Outputs [start, end) of one row, one at a time (the borders, or a row too short for the vector loop).</summary>
    private static void CpuColumns(ReadOnlySpan<float> line, Span<float> output, int start, int end, ReadOnlySpan<float> w, float norm,
        ref Taps taps, bool adjoint)
    {
        for (var j = start; j < end; j++)
        {
            taps.Build(j, line.Length, w, adjoint);
            output[j] = taps.Apply(line, 1) / norm;
        }
    }

    /// <summary>w[t] = the tap weight of offset ±t as the kernel computes it; returns their sum over -r..r in the kernel's order.</summary>
    private static float CpuWeights(Pass p, Span<float> w)
    {
        for (var t = 0; t <= p.Radius; t++) w[t] = t == 0 ? 1f : MathF.Exp(t * t * p.Coefficient);
        var norm = 0f;
        for (var t = -p.Radius; t <= p.Radius; t++) norm += w[Math.Abs(t)];
        return norm;
    }
}
