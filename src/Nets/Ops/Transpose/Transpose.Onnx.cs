namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Transpose of a computed value (of constants it is folded).</summary>
internal sealed partial class OnnxOps
{
    internal void Transpose(Value?[] inputs)
    {
        _attributes.OnlyThese("perm");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        var rank = item.Length + 1;
        var perm = _attributes.IntsOrNull("perm")?.Select(p => (int)(p < 0 ? p + rank : p)).ToArray() ?? [.. Enumerable.Range(0, rank).Reverse()];
        if (DeepVis.Ops.Transpose.Problem(rank, perm) is { } problem) throw new OnnxException($"attribute 'perm': {problem}; DeepVis permutes the axes after the batch");
        var draft = new Draft("Transpose", _node, [x], [.. perm.Skip(1).Select(p => item[p - 1])]);
        draft.Attributes["perm"] = [.. perm.Select(p => (double)p)];
        Emit(draft);
    }
}
