using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>
/// The identities at inference: Dropout (stored and ONNX Dropout), torchvision's StochasticDepth (stored
/// only: it has no tensors, and an eval-mode ONNX export leaves nothing of it) and ONNX Identity, which
/// becomes no node at all.
/// </summary>
internal static class DropoutOp
{
    public static Op Declaration { get; } = new("Dropout", [typeof(Dropout)], typeof(DropoutLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["Dropout"] = new("", node => node.Stateless(() => new DropoutLayer("Dropout"))),
            ["StochasticDepth"] = new("", node => node.Stateless(() => new DropoutLayer("StochasticDepth"))),
        },
        Onnx = new Dictionary<string, OnnxMapping>
        {
            ["Dropout"] = (ops, x) => ops.Dropout(x),
            ["Identity"] = (ops, x) => ops.Identity(x),
        },
        OnnxNotes = new Dictionary<string, string>
        {
            ["Dropout"] = "every opset's form; is_test either value (DeepVis runs inference); inputs ratio (any) and training_mode "
                + "(absent or a constant false; true is refused unless ratio is a constant 0); the mask output must be unread",
            ["Identity"] = "becomes no node: its output is its input (a computed value or a constant)",
        },
        CopiesOnly = true,
    };
}
