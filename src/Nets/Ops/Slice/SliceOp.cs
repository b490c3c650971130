using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>A strided run of one axis (stored Slice; ONNX Slice, Split and Gather with constant indices, of a computed value).</summary>
internal static class SliceOp
{
    public static Op Declaration { get; } = new("Slice", [typeof(Slice)], typeof(SliceLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["Slice"] = new("axis [1..6], start [0..2^31-1], end [start+1..2^31-1], step [1..2^31-1], squeeze [0|1]", node =>
            {
                var axis = node.Int("axis", 1, 6);
                var start = node.Int("start", 0, int.MaxValue);
                var end = node.Int("end", 1, int.MaxValue);
                var step = node.Int("step", 1, int.MaxValue, 1);
                var squeeze = node.Flag("squeeze", false);
                if (end <= start) throw node.Refuse($"attribute 'end' is {end} and 'start' {start}; expected end above start");
                return node.Stateless(() => new SliceLayer(axis, start, end, step, squeeze));
            }),
        },
        Onnx = new Dictionary<string, OnnxMapping>
        {
            ["Slice"] = (ops, x) => ops.Slice(x),
            ["Split"] = (ops, x) => ops.Split(x),
            ["Gather"] = (ops, x) => ops.Gather(x),
        },
    };
}
