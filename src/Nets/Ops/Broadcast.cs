using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// NumPy broadcasting over up to four axes as the kernels read it: the output's extents and each
/// operand's strides, 0 along an axis where the operand has extent 1 (so it repeats). Shapes of lower
/// rank are aligned to the right, as NumPy and ONNX align them. A reduction reads the same plan with
/// the reduced value as the operand B.
/// </summary>
internal readonly struct Broadcast
{
    public const int MaxRank = 4;

    public readonly int D0, D1, D2, D3;
    public readonly int A0, A1, A2, A3;
    public readonly int B0, B1, B2, B3;

    private Broadcast(int[] d, int[] a, int[] b)
    {
        (D0, D1, D2, D3) = (d[0], d[1], d[2], d[3]);
        (A0, A1, A2, A3) = (a[0], a[1], a[2], a[3]);
        (B0, B1, B2, B3) = (b[0], b[1], b[2], b[3]);
    }

    public int Length => D0 * D1 * D2 * D3;

    /// <summary>The broadcast shape of <paramref name="a"/> and <paramref name="b"/>, or null where an axis has two extents other than 1 or a rank exceeds <see cref="MaxRank"/>.</summary>
    public static int[]? Shape(IReadOnlyList<int> a, IReadOnlyList<int> b)
    {
        var rank = Math.Max(a.Count, b.Count);
        if (rank > MaxRank) return null;
        var y = new int[rank];
        for (var k = 0; k < rank; k++)
        {
            var (p, q) = (At(a, k - rank + a.Count), At(b, k - rank + b.Count));
            if (p != q && p != 1 && q != 1) return null;
            y[k] = p == 1 ? q : p;
        }
        return y;
    }

    /// <summary>The plan for y = f(a, b) with <paramref name="y"/> the broadcast shape of both (checked by the caller).</summary>
    public static Broadcast Of(IReadOnlyList<int> a, IReadOnlyList<int> b, IReadOnlyList<int> y) =>
        new(Padded(y), Strides(a), Strides(b));

    /// <summary>Throws a <see cref="ShapeException"/> naming <paramref name="what"/> unless <paramref name="y"/> is the broadcast shape of a and b.</summary>
    public static void Require(string what, Tensor a, Tensor b, Tensor y)
    {
        var shape = Shape(a.Shape, b.Shape)
            ?? throw new ShapeException($"{what}: shapes {a.ShapeText} and {b.ShapeText} do not broadcast (each axis, aligned to the right, must match or be 1; at most {MaxRank} axes)");
        y.RequireShape($"{what} output", shape);
    }

    private static int At(IReadOnlyList<int> shape, int k) => k < 0 ? 1 : shape[k];

    private static int[] Padded(IReadOnlyList<int> shape) => [.. Enumerable.Range(0, MaxRank).Select(k => At(shape, k - MaxRank + shape.Count))];

    private static int[] Strides(IReadOnlyList<int> shape)
    {
        var dims = Padded(shape);
        var strides = new int[MaxRank];
        var stride = 1;
        for (var k = MaxRank - 1; k >= 0; k--)
        {
            strides[k] = dims[k] == 1 ? 0 : stride;
            stride *= dims[k];
        }
        return strides;
    }
}
