namespace DeepVis.Optim.Transforms;

/// <summary>
/// A 2-D affine map of pixel index coordinates (centres at integers), x' = A0 x + A1 y + A2,
/// y' = A3 x + A4 y + A5: where an output pixel of a transform reads its input.
/// </summary>
public readonly record struct AffineMap(double A0, double A1, double A2, double A3, double A4, double A5)
{
    public static AffineMap Identity { get; } = new(1, 0, 0, 0, 1, 0);

    public static AffineMap Shift(double dx, double dy) => new(1, 0, dx, 0, 1, dy);

    /// <summary>First <paramref name="inner"/>, then this: (this ∘ inner)(p) = this(inner(p)).</summary>
    public AffineMap After(AffineMap inner) => new(
        A0 * inner.A0 + A1 * inner.A3, A0 * inner.A1 + A1 * inner.A4, A0 * inner.A2 + A1 * inner.A5 + A2,
        A3 * inner.A0 + A4 * inner.A3, A3 * inner.A1 + A4 * inner.A4, A3 * inner.A2 + A4 * inner.A5 + A5);

    public (double X, double Y) Apply(double x, double y) => (A0 * x + A1 * y + A2, A3 * x + A4 * y + A5);

    public IEnumerable<float> Coefficients => [(float)A0, (float)A1, (float)A2, (float)A3, (float)A4, (float)A5];
}
