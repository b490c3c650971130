using Onnx;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// Evaluates, at import time, the nodes whose inputs are all known: exporters compute shapes and pads
/// in the graph (<c>x.view(x.size(0), -1)</c> becomes Shape, Gather, Unsqueeze, Concat, Reshape;
/// PyTorch's ZeroPad2d builds its pads with ConstantOfShape, Slice, Transpose, Cast). Shape reads the
/// per-item shape inferred from the declared input, the batch axis staying open (null).
/// </summary>
internal static class ConstantFolding
{
    /// <summary>The ops folded here, for the importer's list of what it supports.</summary>
    public static readonly string[] Ops = ["Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Reshape", "Slice", "Transpose", "Cast", "ConstantOfShape", "Identity", "Add", "Sub", "Mul", "Div"];

    /// <summary>The node's output from its constant <paramref name="inputs"/> (null where an optional one is absent); null for an op not folded here.</summary>
    public static OnnxConstant? Fold(NodeProto node, OnnxConstant?[] inputs, OnnxAttributes attributes, int opset)
    {
        // Absent optional inputs are null here; the required ones must be there.
        var required = node.OpType switch { "Constant" => 0, "Gather" or "Reshape" or "Add" or "Sub" or "Mul" or "Div" => 2, "Slice" => opset >= 10 ? 3 : 1, _ => 1 };
        if (inputs.Length < required || inputs.Take(required).Any(i => i is null))
            throw new OnnxException($"{node.OpType} needs {required} input{(required == 1 ? "" : "s")}, got {inputs.Count(i => i is not null)}");
        var x = inputs.Length > 0 ? inputs[0] : null;
        return node.OpType switch
        {
            "Constant" => attributes.Constant(),
            "Identity" => x,
            "Cast" => Cast(x!, attributes.Int("to", 1)),
            "ConstantOfShape" => Fill(x!, attributes.Tensor("value")),
            "Gather" => Gather(x!, inputs[1]!, (int)attributes.Int("axis", 0)),
            "Unsqueeze" => Unsqueeze(x!, opset >= 13 && inputs.Length > 1 ? Ints(inputs[1]!) : attributes.Ints("axes")),
            "Squeeze" => Squeeze(x!, opset >= 13 && inputs.Length > 1 ? Ints(inputs[1]!) : attributes.IntsOrNull("axes")),
            "Concat" => Concat([.. inputs.OfType<OnnxConstant>()], (int)attributes.Int("axis", 0)),
            "Reshape" => Reshape(x!, inputs[1]!),
            "Slice" => Slice(x!, inputs, attributes, opset),
            "Transpose" => Transpose(x!, attributes.IntsOrNull("perm")),
            "Add" or "Sub" or "Mul" or "Div" => Arithmetic(node.OpType, x!, inputs[1]!),
            _ => null,
        };
    }

    /// <summary>Shape of a value whose per-item shape is known: [batch (open), ...item].</summary>
    public static OnnxConstant ShapeOf(int[] item) => OnnxConstant.Of([null, .. item.Select(d => (long?)d)], item.Length + 1);

    private static long[] Ints(OnnxConstant c) =>
        [.. c.AsIntegers().Select(v => v ?? throw new OnnxException("an axis list depends on the batch size"))];

    private static int Axis(long axis, int rank) =>
        axis >= -rank && axis < rank ? (int)(axis < 0 ? axis + rank : axis) : throw new OnnxException($"axis {axis} is outside a rank-{rank} tensor");

    private static int[] Strides(int[] shape)
    {
        var strides = new int[shape.Length];
        for (int i = shape.Length - 1, s = 1; i >= 0; s *= shape[i], i--) strides[i] = s;
        return strides;
    }

    /// <summary>A tensor of <paramref name="shape"/> whose element i is element source(i-th index) of <paramref name="x"/>.</summary>
    private static OnnxConstant Select(OnnxConstant x, int[] shape, Func<int[], int> source)
    {
        var count = shape.Aggregate(1, (a, b) => a * b);
        var map = new int[count];
        var index = new int[shape.Length];
        for (var i = 0; i < count; i++)
        {
            for (int d = shape.Length - 1, rest = i; d >= 0; rest /= shape[d], d--) index[d] = rest % shape[d];
            map[i] = source(index);
        }
        return x.Floats is { } f ? OnnxConstant.Of([.. map.Select(j => f[j])], shape) : OnnxConstant.Of([.. map.Select(j => x.Integers![j])], shape);
    }

    private static int Offset(int[] index, int[] strides) => index.Select((v, d) => v * strides[d]).Sum();

    private static OnnxConstant Cast(OnnxConstant x, long to) => (TensorProto.Types.DataType)to switch
    {
        TensorProto.Types.DataType.Float or TensorProto.Types.DataType.Double => OnnxConstant.Of(x.AsFloats("a cast value"), x.Shape),
        TensorProto.Types.DataType.Int64 or TensorProto.Types.DataType.Int32 => OnnxConstant.Of(x.AsIntegers(), x.Shape),
        var type => throw new OnnxException($"a constant is cast to {type}; DeepVis folds casts to FLOAT, DOUBLE, INT64 and INT32 only"),
    };

    private static OnnxConstant Fill(OnnxConstant shape, OnnxConstant? value)
    {
        var dims = Ints(shape).Select(d => (int)d).ToArray();
        var count = dims.Aggregate(1, (a, b) => a * b);
        return value?.Integers is { } ints ? OnnxConstant.Of(Enumerable.Repeat(ints[0], count).ToArray(), dims)
            : OnnxConstant.Of(Enumerable.Repeat(value?.Floats![0] ?? 0f, count).ToArray(), dims);
    }

    private static OnnxConstant Gather(OnnxConstant x, OnnxConstant indices, int axis)
    {
        axis = Axis(axis, x.Shape.Length);
        var picks = Ints(indices).Select(i => (int)(i < 0 ? i + x.Shape[axis] : i)).ToArray();
        if (picks.Any(i => i < 0 || i >= x.Shape[axis])) throw new OnnxException("a Gather index is out of range");
        int[] shape = [.. x.Shape[..axis], .. indices.Shape, .. x.Shape[(axis + 1)..]];
        var strides = Strides(x.Shape);
        var rank = indices.Shape.Length;
        var indexStrides = Strides(indices.Shape);
        return Select(x, shape, i =>
        {
            var flat = Offset(i[axis..(axis + rank)], indexStrides);
            int[] source = [.. i[..axis], picks[flat], .. i[(axis + rank)..]];
            return Offset(source, strides);
        });
    }

    private static OnnxConstant Unsqueeze(OnnxConstant x, long[] axes)
    {
        var rank = x.Shape.Length + axes.Length;
        var inserted = axes.Select(a => Axis(a, rank)).ToHashSet();
        var shape = new List<int>();
        for (int d = 0, k = 0; d < rank; d++) shape.Add(inserted.Contains(d) ? 1 : x.Shape[k++]);
        return x with { Shape = [.. shape] };
    }

    private static OnnxConstant Squeeze(OnnxConstant x, long[]? axes)
    {
        var removed = axes?.Select(a => Axis(a, x.Shape.Length)).ToHashSet() ?? [.. Enumerable.Range(0, x.Shape.Length).Where(d => x.Shape[d] == 1)];
        return x with { Shape = [.. x.Shape.Where((_, d) => !removed.Contains(d))] };
    }

    private static OnnxConstant Concat(OnnxConstant[] parts, int axis)
    {
        axis = Axis(axis, parts[0].Shape.Length);
        if (parts.Any(p => p.Floats is null) && parts.Any(p => p.Floats is not null)) throw new OnnxException("Concat mixes float and integer constants");
        var outer = parts[0].Shape[..axis].Aggregate(1, (a, b) => a * b);
        var floats = new List<float>();
        var ints = new List<long?>();
        for (var o = 0; o < outer; o++)
            foreach (var p in parts)
            {
                var block = p.Count / outer;
                if (p.Floats is { } f) floats.AddRange(f.Skip(o * block).Take(block));
                else ints.AddRange(p.Integers!.Skip(o * block).Take(block));
            }
        int[] shape = [.. parts[0].Shape];
        shape[axis] = parts.Sum(p => p.Shape[axis]);
        return parts[0].Floats is null ? OnnxConstant.Of([.. ints], shape) : OnnxConstant.Of([.. floats], shape);
    }

    private static OnnxConstant Reshape(OnnxConstant x, OnnxConstant target)
    {
        var dims = Ints(target).Select((d, i) => d == 0 ? x.Shape[i] : (int)d).ToArray();
        var known = dims.Where(d => d != -1).Aggregate(1, (a, b) => a * b);
        for (var i = 0; i < dims.Length; i++) if (dims[i] == -1) dims[i] = x.Count / Math.Max(known, 1);
        return dims.Aggregate(1, (a, b) => a * b) == x.Count ? x with { Shape = dims } : throw new OnnxException($"a constant of shape {x.ShapeText} cannot be reshaped to [{string.Join(", ", dims)}]");
    }

    private static OnnxConstant Slice(OnnxConstant x, OnnxConstant?[] inputs, OnnxAttributes attributes, int opset)
    {
        var rank = x.Shape.Length;
        long[] Input(int i, string name) => opset >= 10 ? (i < inputs.Length && inputs[i] is { } c ? Ints(c) : []) : attributes.IntsOrNull(name) ?? [];
        var starts = Input(1, "starts");
        var ends = Input(2, "ends");
        var axes = Input(3, "axes") is { Length: > 0 } a ? a : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
        var steps = Input(4, "steps") is { Length: > 0 } s ? s : [.. Enumerable.Repeat(1L, starts.Length)];
        var start = new int[rank];
        var step = Enumerable.Repeat(1, rank).ToArray();
        int[] shape = [.. x.Shape];
        for (var k = 0; k < axes.Length; k++)
        {
            var d = Axis(axes[k], rank);
            var n = x.Shape[d];
            if (steps[k] == 0) throw new OnnxException("a Slice step is 0");
            long Clamp(long v, long lo, long hi) => Math.Clamp(v < 0 ? v + n : v, lo, hi);
            long first = steps[k] > 0 ? Clamp(starts[k], 0, n) : Clamp(starts[k], -1, n - 1);
            long last = steps[k] > 0 ? Clamp(ends[k], 0, n) : Clamp(ends[k], -1, n - 1);
            start[d] = (int)first;
            step[d] = (int)steps[k];
            shape[d] = (int)Math.Max(0, (last - first + steps[k] + (steps[k] > 0 ? -1 : 1)) / steps[k]);
        }
        var strides = Strides(x.Shape);
        return Select(x, shape, i => i.Select((v, d) => (start[d] + v * step[d]) * strides[d]).Sum());
    }

    private static OnnxConstant Transpose(OnnxConstant x, long[]? perm)
    {
        var rank = x.Shape.Length;
        var p = perm?.Select(v => Axis(v, rank)).ToArray() ?? [.. Enumerable.Range(0, rank).Reverse()];
        var strides = Strides(x.Shape);
        return Select(x, [.. p.Select(d => x.Shape[d])], i => i.Select((v, k) => v * strides[p[k]]).Sum());
    }

    /// <summary>
    /// Add, Sub, Mul or Div of two constants with NumPy broadcasting: the size arithmetic exporters write
    /// (ShuffleNet's channels // groups). Integers divide truncating, as ONNX runtimes do; the open batch size stays open.
    /// </summary>
    private static OnnxConstant Arithmetic(string op, OnnxConstant a, OnnxConstant b)
    {
        var rank = Math.Max(a.Shape.Length, b.Shape.Length);
        int[] Padded(OnnxConstant c) => [.. Enumerable.Repeat(1, rank - c.Shape.Length), .. c.Shape];
        var (pa, pb) = (Padded(a), Padded(b));
        if (pa.Zip(pb).Any(p => p.First != p.Second && p.First != 1 && p.Second != 1))
            throw new OnnxException($"{op} of constants {a.ShapeText} and {b.ShapeText}: the shapes do not broadcast");
        var shape = pa.Zip(pb, Math.Max).ToArray();
        var (sa, sb) = (Strides(pa), Strides(pb));
        int Source(int[] index, int[] padded, int[] strides) => index.Select((v, d) => padded[d] == 1 ? 0 : v * strides[d]).Sum();
        var count = shape.Aggregate(1, (x, y) => x * y);
        var index = new int[rank];
        var pairs = new (int A, int B)[count];
        for (var i = 0; i < count; i++)
        {
            for (int d = rank - 1, rest = i; d >= 0; rest /= shape[d], d--) index[d] = rest % shape[d];
            pairs[i] = (Source(index, pa, sa), Source(index, pb, sb));
        }
        if (a.Floats is null && b.Floats is null)
            return OnnxConstant.Of([.. pairs.Select(p => a.Integers![p.A] is { } x && b.Integers![p.B] is { } y ? op switch
            {
                "Add" => x + y,
                "Sub" => x - y,
                "Mul" => x * y,
                _ => y == 0 ? throw new OnnxException("a constant integer Div divides by 0") : x / y,
            } : (long?)null)], shape);
        var (fa, fb) = (a.AsFloats("an operand"), b.AsFloats("an operand"));
        return OnnxConstant.Of([.. pairs.Select(p => op switch
        {
            "Add" => fa[p.A] + fb[p.B],
            "Sub" => fa[p.A] - fb[p.B],
            "Mul" => fa[p.A] * fb[p.B],
            _ => fa[p.A] / fb[p.B],
        })], shape);
    }
}
