using DeepVis.Ops;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// ONNX Pad of H and W: a zero Pad is kept pending, for a Conv or AveragePool that reads it to take as
/// its own pads, and becomes a Pad layer where anything else reads it; other values, reflect and edge
/// are Pad layers.
/// </summary>
internal sealed partial class OnnxOps
{
    /// <summary>The Pad layers made for pending zero pads, so that several readers share one.</summary>
    private readonly Dictionary<PaddedValue, int> _padDrafts = [];

    internal void Pad(Value?[] inputs)
    {
        var x = Image(inputs[0]).Draft;
        long[] pads;
        double value;
        if (_opset < 11)
        {
            _attributes.OnlyThese("mode", "pads", "value");
            pads = _attributes.Ints("pads");
            value = _attributes.Float("value", 0);
        }
        else
        {
            _attributes.OnlyThese("mode");
            if (inputs.Length > 3 && inputs[3] is not null) throw new OnnxException("the axes input is not supported; DeepVis pads height and width of [N, C, H, W]");
            pads = [.. Constant(inputs.ElementAtOrDefault(1), "the pads").AsIntegers().Select(p => p ?? -1)];
            value = inputs.ElementAtOrDefault(2) is { } v ? Constant(v, "the pad value").Scalar("the pad value") : 0;
        }
        var modeName = _attributes.String("mode", "constant");
        PadMode mode = modeName switch
        {
            "constant" => PadMode.Constant,
            "reflect" => PadMode.Reflect,
            "edge" => PadMode.Edge,
            _ => throw new OnnxException($"attribute 'mode' is '{modeName}'; DeepVis pads in modes constant, reflect and edge"),
        };
        if (pads.Length != 8 || pads.Any(p => p is < 0 or > Ranges.MaxExtent) || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0)
            throw new OnnxException($"pads [{string.Join(", ", pads)}] are not supported; DeepVis pads H and W of [N, C, H, W] by 0 to {Ranges.MaxExtent}");
        if (!double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            throw new OnnxException($"the pad value {value} is not supported; DeepVis pads with a finite float");
        var settings = new Pad2dSettings((int)pads[2], (int)pads[3], (int)pads[6], (int)pads[7], mode, (float)value);
        var item = ShapeOf(x);
        if (mode == PadMode.Reflect && (settings.Top >= item[1] || settings.Bottom >= item[1] || settings.Left >= item[2] || settings.Right >= item[2]))
            throw new OnnxException($"reflect pads [{string.Join(", ", pads)}] reach past the {item[1]}x{item[2]} input; DeepVis reflects by less than the side");
        if (mode == PadMode.Constant && value == 0 && !_graphOutputs.Contains(_node.Output[0]))
        {
            Output(new PaddedValue(x, [settings.Top, settings.Left, settings.Bottom, settings.Right], _node));
            return;
        }
        Emit(PadDraft(x, settings, _node));
    }

    /// <summary>The Pad layer a pending zero pad becomes when something other than a Conv or AveragePool reads it.</summary>
    private int Materialize(PaddedValue pending)
    {
        if (_padDrafts.TryGetValue(pending, out var made)) return made;
        _drafts.Add(PadDraft(pending.Draft, new Pad2dSettings(pending.Pads[0], pending.Pads[1], pending.Pads[2], pending.Pads[3]), pending.Node));
        return _padDrafts[pending] = _drafts.Count - 1;
    }

    private Draft PadDraft(int x, Pad2dSettings s, global::Onnx.NodeProto node)
    {
        var item = ShapeOf(x);
        var draft = new Draft("Pad", node, [x], [item[0], item[1] + s.Top + s.Bottom, item[2] + s.Left + s.Right]);
        draft.Attributes["pads"] = [s.Top, s.Left, s.Bottom, s.Right];
        draft.Attributes["mode"] = [(int)s.Mode];
        if (s.Value != 0) draft.Attributes["value"] = [s.Value];
        return draft;
    }
}
