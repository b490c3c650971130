using DeepVis.Nets.Layers;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's Inception v3 at inference: the BasicConv2d stem, Mixed_5b-5d (InceptionA), 6a (B),
/// 6b-6e (C, with 1x7 and 7x1 convolutions), 7a (D), 7b-7c (E, with 1x3 / 3x1 pairs concatenated),
/// average pool, dropout and fc. The pooling inside a module (a function call in torchvision) is
/// addressed as <c>Mixed_5b.pool</c>, the concatenated pairs of InceptionE as
/// <c>Mixed_7b.branch3x3_2</c> and <c>Mixed_7b.branch3x3dbl_3</c>. The auxiliary classifier is
/// training only; transform_input is recorded in the weights file's mean and std.
/// </summary>
internal static class InceptionV3
{
    private static readonly Conv2dSettings One = Conv2dSettings.Square();
    private static readonly Conv2dSettings Same3 = Conv2dSettings.Square(1, 1);
    private static readonly Conv2dSettings Stride2 = Conv2dSettings.Square(2);
    private static readonly Conv2dSettings Row = Conv2dSettings.Symmetric(1, 1, 0, 3);
    private static readonly Conv2dSettings Column = Conv2dSettings.Symmetric(1, 1, 3, 0);
    private static readonly Pool2dSettings MaxPool3 = new(3, 2);
    private static readonly Pool2dSettings AvgPool3 = new(3, 1, 1);

    public static ModelFamily Family { get; } = new()
    {
        Names = ["inception_v3"],
        Signature = "Mixed_5b.branch1x1.conv.weight",
        Rename = name => name.StartsWith("AuxLogits.", StringComparison.Ordinal) ? null : name,
        Layout = (_, tensors) => tensors is null ? null : Layout(),
        Input = info => GoogLeNet.TransformInput(info) with { DefaultSize = 299 },
    };

    private static Architectures.Layout Layout()
    {
        var g = new GraphBuilder();
        Conv(g, "Conv2d_1a_3x3", 3, 3, Stride2);
        Conv(g, "Conv2d_2a_3x3", 3, 3, One);
        Conv(g, "Conv2d_2b_3x3", 3, 3, Same3);
        g.MaxPool("maxpool1", MaxPool3);
        Conv(g, "Conv2d_3b_1x1", 1, 1, One);
        Conv(g, "Conv2d_4a_3x3", 3, 3, One);
        g.MaxPool("maxpool2", MaxPool3);
        foreach (var m in new[] { "Mixed_5b", "Mixed_5c", "Mixed_5d" }) InceptionA(g, m);
        InceptionB(g, "Mixed_6a");
        foreach (var m in new[] { "Mixed_6b", "Mixed_6c", "Mixed_6d", "Mixed_6e" }) InceptionC(g, m);
        InceptionD(g, "Mixed_7a");
        InceptionE(g, "Mixed_7b");
        InceptionE(g, "Mixed_7c");
        g.GlobalAvgPool("avgpool");
        g.Stateless("dropout", () => new DropoutLayer());
        return new Architectures.Layout(g.Nodes, [new LinearSpec("fc", ["logits"]) { Inputs = ["dropout"] }]);
    }

    private static string Conv(GraphBuilder g, string module, int kernelH, int kernelW, Conv2dSettings settings, params string[] inputs) =>
        GoogLeNet.BasicConv(g, module, kernelH, kernelW, settings, inputs);

    private static void InceptionA(GraphBuilder g, string p)
    {
        var x = g.Last;
        var b1 = Conv(g, $"{p}.branch1x1", 1, 1, One, x);
        Conv(g, $"{p}.branch5x5_1", 1, 1, One, x);
        var b5 = Conv(g, $"{p}.branch5x5_2", 5, 5, Conv2dSettings.Square(1, 2));
        Conv(g, $"{p}.branch3x3dbl_1", 1, 1, One, x);
        Conv(g, $"{p}.branch3x3dbl_2", 3, 3, Same3);
        var b3 = Conv(g, $"{p}.branch3x3dbl_3", 3, 3, Same3);
        g.AvgPool($"{p}.pool", AvgPool3, true, x);
        var pool = Conv(g, $"{p}.branch_pool", 1, 1, One);
        g.Concat(p, b1, b5, b3, pool);
    }

    private static void InceptionB(GraphBuilder g, string p)
    {
        var x = g.Last;
        var b3 = Conv(g, $"{p}.branch3x3", 3, 3, Stride2, x);
        Conv(g, $"{p}.branch3x3dbl_1", 1, 1, One, x);
        Conv(g, $"{p}.branch3x3dbl_2", 3, 3, Same3);
        var dbl = Conv(g, $"{p}.branch3x3dbl_3", 3, 3, Stride2);
        var pool = g.MaxPool($"{p}.pool", MaxPool3, x);
        g.Concat(p, b3, dbl, pool);
    }

    private static void InceptionC(GraphBuilder g, string p)
    {
        var x = g.Last;
        var b1 = Conv(g, $"{p}.branch1x1", 1, 1, One, x);
        Conv(g, $"{p}.branch7x7_1", 1, 1, One, x);
        Conv(g, $"{p}.branch7x7_2", 1, 7, Row);
        var b7 = Conv(g, $"{p}.branch7x7_3", 7, 1, Column);
        Conv(g, $"{p}.branch7x7dbl_1", 1, 1, One, x);
        Conv(g, $"{p}.branch7x7dbl_2", 7, 1, Column);
        Conv(g, $"{p}.branch7x7dbl_3", 1, 7, Row);
        Conv(g, $"{p}.branch7x7dbl_4", 7, 1, Column);
        var dbl = Conv(g, $"{p}.branch7x7dbl_5", 1, 7, Row);
        g.AvgPool($"{p}.pool", AvgPool3, true, x);
        var pool = Conv(g, $"{p}.branch_pool", 1, 1, One);
        g.Concat(p, b1, b7, dbl, pool);
    }

    private static void InceptionD(GraphBuilder g, string p)
    {
        var x = g.Last;
        Conv(g, $"{p}.branch3x3_1", 1, 1, One, x);
        var b3 = Conv(g, $"{p}.branch3x3_2", 3, 3, Stride2);
        Conv(g, $"{p}.branch7x7x3_1", 1, 1, One, x);
        Conv(g, $"{p}.branch7x7x3_2", 1, 7, Row);
        Conv(g, $"{p}.branch7x7x3_3", 7, 1, Column);
        var b7 = Conv(g, $"{p}.branch7x7x3_4", 3, 3, Stride2);
        var pool = g.MaxPool($"{p}.pool", MaxPool3, x);
        g.Concat(p, b3, b7, pool);
    }

    private static void InceptionE(GraphBuilder g, string p)
    {
        var x = g.Last;
        var rowPair = Conv2dSettings.Symmetric(1, 1, 0, 1);
        var columnPair = Conv2dSettings.Symmetric(1, 1, 1, 0);
        var b1 = Conv(g, $"{p}.branch1x1", 1, 1, One, x);
        var mid = Conv(g, $"{p}.branch3x3_1", 1, 1, One, x);
        var a = Conv(g, $"{p}.branch3x3_2a", 1, 3, rowPair, mid);
        var b = Conv(g, $"{p}.branch3x3_2b", 3, 1, columnPair, mid);
        var b3 = g.Concat($"{p}.branch3x3_2", a, b);
        Conv(g, $"{p}.branch3x3dbl_1", 1, 1, One, x);
        var dblMid = Conv(g, $"{p}.branch3x3dbl_2", 3, 3, Same3);
        var da = Conv(g, $"{p}.branch3x3dbl_3a", 1, 3, rowPair, dblMid);
        var db = Conv(g, $"{p}.branch3x3dbl_3b", 3, 1, columnPair, dblMid);
        var dbl = g.Concat($"{p}.branch3x3dbl_3", da, db);
        g.AvgPool($"{p}.pool", AvgPool3, true, x);
        var pool = Conv(g, $"{p}.branch_pool", 1, 1, One);
        g.Concat(p, b1, b3, dbl, pool);
    }
}
