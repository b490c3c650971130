namespace DeepVis.Nets.Onnx;

/// <summary>
/// A value known while the graph is imported: an initializer, a Constant node, or a shape computation
/// folded from them. Floats are weights; integers are shapes and indices, where null stands for the
/// batch size, which the file leaves open (the Shape, Gather, Concat chain of <c>x.view(x.size(0), -1)</c>).
/// </summary>
internal sealed record OnnxConstant(int[] Shape, float[]? Floats, long?[]? Integers)
{
    public int Count => Floats?.Length ?? Integers!.Length;

    public static OnnxConstant Of(float[] values, params int[] shape) => new(shape, values, null);

    public static OnnxConstant Of(long?[] values, params int[] shape) => new(shape, null, values);

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";

    /// <summary>The values as integers (shapes, axes, pads); null where one is the open batch size.</summary>
    public long?[] AsIntegers() => Integers ?? [.. Floats!.Select(f => (long?)(long)f)];

    public float[] AsFloats(string what) =>
        Floats ?? (Integers!.All(i => i.HasValue) ? [.. Integers!.Select(i => (float)i!.Value)] : throw new OnnxException($"{what} depends on the batch size"));

    /// <summary>The single number of a scalar or one-element constant (a Clip bound, a pad value).</summary>
    public double Scalar(string what) =>
        Count == 1 ? AsFloats(what)[0] : throw new OnnxException($"{what} must be a single number, got shape {ShapeText}");
}

/// <summary>A problem with an ONNX file's content; the importer turns it into one line naming the file.</summary>
internal sealed class OnnxException(string message) : Exception(message);
