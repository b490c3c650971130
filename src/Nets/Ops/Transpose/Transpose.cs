using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// A permutation of axes (torch's permute and transpose, ONNX Transpose) over a logical shape of up to
/// six axes that the tensors' elements are read as: y[i_0, .., i_r] = x[i_perm^-1...]. The logical shape
/// need not be x's shape (ShuffleNet's channel shuffle reads [N, C, H, W] as [N, g, C/g, H*W]), only hold
/// as many elements. Backward is the inverse permutation of dy. Where the permutation keeps the order of
/// every axis longer than one, the elements keep their order too and both directions are a copy.
/// </summary>
public static partial class Transpose
{
    /// <summary>The most axes a permutation takes (ONNX's channel shuffle is 5-D).</summary>
    public const int MaxRank = 6;

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Layout> Permute =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Layout>(PermuteKernel);
    }

    /// <summary>The output's sides (front-padded with ones to six) and, per output axis, the input's stride along it.</summary>
    internal struct Layout
    {
        public int D0, D1, D2, D3, D4, D5, S0, S1, S2, S3, S4, S5;
    }

    /// <summary>The permuted shape: output axis k is input axis perm[k].</summary>
    public static int[] OutputShape(IReadOnlyList<int> input, IReadOnlyList<int> perm)
    {
        if (Problem(input.Count, perm) is { } problem) throw new ShapeException($"transpose of {Tensor.Format(input)}: {problem}");
        return [.. perm.Select(p => input[p])];
    }

    /// <summary>Why <paramref name="perm"/> is not a permutation of <paramref name="rank"/> axes that keeps the batch first, or null.</summary>
    public static string? Problem(int rank, IReadOnlyList<int> perm) =>
        rank > MaxRank ? $"rank {rank} is above the {MaxRank} axes a transpose takes"
        : perm.Count != rank || !perm.Order().SequenceEqual(Enumerable.Range(0, rank)) ? $"perm [{string.Join(", ", perm)}] is not a permutation of {rank} axes"
        : perm[0] != 0 ? $"perm [{string.Join(", ", perm)}] moves the batch axis"
        : null;

    /// <summary>y = x read as <paramref name="dims"/> with its axes permuted by <paramref name="perm"/>.</summary>
    public static void Forward(Tensor x, Tensor y, IReadOnlyList<int> dims, IReadOnlyList<int> perm) => Run(x, y, dims, perm, "transpose");

    /// <summary>dx = dy permuted back: dy is read as the permuted shape, and the inverse permutation applied.</summary>
    public static void Backward(Tensor dy, Tensor dx, IReadOnlyList<int> dims, IReadOnlyList<int> perm)
    {
        var inverse = new int[perm.Count];
        for (var k = 0; k < perm.Count; k++) inverse[perm[k]] = k;
        Run(dy, dx, OutputShape(dims, perm), inverse, "transpose gradient");
    }

    private static void Run(Tensor x, Tensor y, IReadOnlyList<int> dims, IReadOnlyList<int> perm, string what)
    {
        var shape = OutputShape(dims, perm);
        var count = dims.Aggregate(1, (a, b) => a * b);
        if (x.Length != count || y.Length != count)
            throw new ShapeException($"{what}: input {x.ShapeText} and output {y.ShapeText} must both hold the {count} elements of {Tensor.Format(dims)}");
        if (KeepsOrder(dims, perm))
        {
            x.CopyElementsTo(y);
            return;
        }
        var layout = LayoutOf(dims, perm, shape);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Permute(count, x.View, y.View, layout);
        else CpuPermute(x, y, layout);
    }

    /// <summary>True when the axes longer than one stay in their order: then the elements do too.</summary>
    public static bool KeepsOrder(IReadOnlyList<int> dims, IReadOnlyList<int> perm)
    {
        var moved = perm.Where(p => dims[p] > 1).ToArray();
        return moved.SequenceEqual(moved.Order());
    }

    private static Layout LayoutOf(IReadOnlyList<int> dims, IReadOnlyList<int> perm, int[] shape)
    {
        var strides = new int[dims.Count];
        for (int k = dims.Count - 1, s = 1; k >= 0; s *= dims[k], k--) strides[k] = s;
        var pad = MaxRank - dims.Count;
        int D(int k) => k < pad ? 1 : shape[k - pad];
        int S(int k) => k < pad ? 0 : strides[perm[k - pad]];
        return new Layout
        {
            D0 = D(0), D1 = D(1), D2 = D(2), D3 = D(3), D4 = D(4), D5 = D(5),
            S0 = S(0), S1 = S(1), S2 = S(2), S3 = S(3), S4 = S(4), S5 = S(5),
        };
    }

    /// <summary>Where output row <paramref name="row"/> (every axis but the last) starts in the input.</summary>
    private static int RowSource(int row, Layout p)
    {
        var source = row % p.D4 * p.S4;
        row /= p.D4;
        source += row % p.D3 * p.S3;
        row /= p.D3;
        source += row % p.D2 * p.S2;
        row /= p.D2;
        source += row % p.D1 * p.S1;
        row /= p.D1;
        return source + row % p.D0 * p.S0;
    }

    private static void PermuteKernel(Index1D index, ArrayView<float> x, ArrayView<float> y, Layout p)
    {
        int i = index;
        y[i] = x[RowSource(i / p.D5, p) + i % p.D5 * p.S5];
    }
}
