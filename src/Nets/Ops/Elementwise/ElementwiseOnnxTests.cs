using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter;
using DeepVis.WeightsConverter.Conversion;
using Onnx;
using static DeepVis.Tests.Converter.OnnxGraphs;

namespace DeepVis.Tests.Converter;

/// <summary>
/// ONNX Add, Sub, Mul and Div with broadcasting (constants of every shape, either operand; computed
/// values of different shapes) and ReduceMean / ReduceMax (axes as attribute or input, keepdims), on a
/// graph built in code: the imported network's outputs and input gradient against a double-precision
/// computation of the same graph; and the attributes and shapes DeepVis refuses, one line each.
/// </summary>
public sealed class ElementwiseOnnxTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private WeightsFile Import(ModelProto model) => ModelConverter.Convert(model.Save(_folder.File("m.onnx")), new ConvertOptions());

    private static readonly int[] Shape = [2, 3, 5, 5];
    private static readonly float[] Scale = [0.5f, -1.5f, 2f];
    private static readonly float[] Divisor = [0.5f, -0.8f, 1.2f, 2f, -1.5f];

    /// <summary>
    /// x * s[C,1,1], 1 - that (constant first), times sigmoid(mean of x over H, W) (a squeeze-excitation
    /// gate of two computed values), divided by d[W], plus x, then the maximum over channels without keepdims.
    /// </summary>
    private static ModelProto Graph(int opset) => OnnxModel(Shape, opset,
        [Floats("s", [1, 3, 1, 1], Scale), Floats("one", [], [1f]), Floats("d", [5], Divisor)],
        Node("Mul", "scale", ["x", "s"], "a"),
        Node("Sub", "shift", ["one", "a"], "b"),
        Node("ReduceMean", "pool", ["x"], "p", Ints("axes", 2, 3)),
        Node("Sigmoid", "gate", ["p"], "g"),
        Node("Mul", "se", ["b", "g"], "c"),
        Node("Div", "half", ["c", "d"], "e"),
        Node("Add", "res", ["e", "x"], "f"),
        Node("ReduceMax", "peak", ["f"], "y", Ints("axes", -3), Int("keepdims", 0)));

    /// <summary>The graph above in double precision: y [N, H, W].</summary>
    private static double[] Reference(double[] x)
    {
        var (n, c, h, w) = (Shape[0], Shape[1], Shape[2], Shape[3]);
        var y = Enumerable.Repeat(double.NegativeInfinity, n * h * w).ToArray();
        for (var i = 0; i < n; i++)
            for (var k = 0; k < c; k++)
            {
                var plane = x.Skip((i * c + k) * h * w).Take(h * w).ToArray();
                var gate = 1 / (1 + Math.Exp(-plane.Average()));
                for (var p = 0; p < h * w; p++)
                {
                    var f = (1 - plane[p] * Scale[k]) * gate / Divisor[p % w] + plane[p];
                    y[i * h * w + p] = Math.Max(y[i * h * w + p], f);
                }
            }
        return y;
    }

    [Fact]
    public void Broadcast_arithmetic_and_reductions_match_a_double_computation_with_their_gradients()
    {
        var file = Import(Graph(13));
        var graph = StoredGraph.Parse(file.Info.Graph!, "test");
        Assert.Equal(["Mul", "Sub", "ReduceMean", "Sigmoid", "Mul", "Div", "Add", "ReduceMax"], graph.Select(g => g.Op));
        Assert.Equal([1.0], graph[1].Attributes!["constant_first"]);
        Assert.Equal([3, 1, 1], file.Find("scale.weight")!.Shape);
        Assert.Equal([1.0], graph[7].Attributes!["axes"]);

        var rng = new Random(41);
        var x = Enumerable.Range(0, Shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(rng.NextDouble() * 4 - 2)).ToArray();
        using var device = DeepVis.Kernels.Runtime.Device.Open("cpu");
        using var network = Network.Build(device, file);
        using var workspace = new Workspace(network, Shape, network.Resolve("peak"));
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        var expected = Reference([.. x.Select(v => (double)v)]);
        RelativeError.AssertBelow(1e-5, [.. expected.Select(v => (float)v)], workspace.Output.ToArray(), "y");

        // The gradient of 0.5 ||y||^2 along random directions against centered differences of the reference.
        workspace.Output.CopyTo(workspace.OutputGradient);
        workspace.Backward();
        var gradient = workspace.InputGradient.ToArray();
        for (var d = 0; d < 3; d++)
        {
            var v = x.Select(_ => rng.NextDouble() * 2 - 1).ToArray();
            const double h = 1e-6;
            double Loss(double t) => Reference([.. x.Select((xi, i) => xi + t * v[i])]).Sum(y => 0.5 * y * y);
            var numeric = (Loss(h) - Loss(-h)) / (2 * h);
            var analytic = gradient.Select((g, i) => g * v[i]).Sum();
            Assert.True(Math.Abs(numeric - analytic) <= 1e-3 * (1 + Math.Abs(numeric)), $"direction {d}: finite differences {numeric}, backward {analytic}");
        }
    }

    [Fact]
    public void X_times_its_sigmoid_is_one_SiLU_node_unless_the_sigmoid_is_read_elsewhere()
    {
        var fused = StoredGraph.Parse(Import(OnnxModel(Shape, 13, [],
            Node("Sigmoid", "s", ["x"], "g"), Node("Mul", "silu", ["g", "x"], "y"))).Info.Graph!, "test");
        Assert.Equal("SiLU", fused.Single().Op);
        Assert.Equal("silu", fused.Single().Address);
        var kept = StoredGraph.Parse(Import(OnnxModel(Shape, 13, [],
            Node("Sigmoid", "s", ["x"], "g"), Node("Mul", "m", ["x", "g"], "p"), Node("Add", "a", ["p", "g"], "y"))).Info.Graph!, "test");
        Assert.Equal(["Sigmoid", "Mul", "Add"], kept.Select(n => n.Op));
    }

    [Fact]
    public void Reduce_axes_may_come_as_an_input()
    {
        var graph = StoredGraph.Parse(Import(OnnxModel(Shape, 18, [Longs("axes", -1, 1)],
            Node("ReduceMax", "m", ["x", "axes"], "y"))).Info.Graph!, "test");
        Assert.Equal([1.0, 3], graph.Single().Attributes!["axes"]);
        Assert.Equal([1.0], graph.Single().Attributes!["keepdims"]);
    }

    private static readonly ModelProto[] Refused =
    [
        OnnxModel(Shape, 6, [Floats("s", [3])], Node("Mul", "m", ["x", "s"], "y", Int("broadcast", 1))),
        OnnxModel(Shape, 13, [Floats("s", [2, 3, 1, 1])], Node("Mul", "m", ["x", "s"], "y")),
        OnnxModel(Shape, 13, [Floats("s", [4])], Node("Div", "m", ["x", "s"], "y")),
        OnnxModel(Shape, 13, [], Node("ReduceMean", "r", ["x"], "p", Ints("axes", 2, 3), Int("keepdims", 0)), Node("Mul", "m", ["x", "p"], "y")),
        OnnxModel(Shape, 13, [], Node("ReduceMean", "r", ["x"], "y")),
        OnnxModel(Shape, 13, [], Node("ReduceMean", "r", ["x"], "y", Ints("axes", 0, 1))),
        OnnxModel(Shape, 13, [], Node("ReduceMax", "r", ["x"], "y", Ints("axes", 1), Int("keepdims", 2))),
        OnnxModel(Shape, 13, [], Node("ReduceMax", "r", ["x"], "y", Ints("axes", 1), Int("select_last_index", 1))),
    ];

    /// <summary>Each refused model (an index into <see cref="Refused"/>) and the line that names its problem.</summary>
    public static TheoryData<int, string> Refusals => new()
    {
        { 0, "node 'm' (Mul): attribute 'broadcast' is not supported; Mul takes no attributes" },
        { 1, "node 'm' (Mul): the constant [2, 3, 1, 1] has more axes than the input [N, 3, 5, 5] or a batch axis other than 1" },
        { 2, "node 'm' (Div): item shapes [3, 5, 5] and [4] do not broadcast" },
        { 3, "node 'm' (Mul): combines item shapes [3, 5, 5] and [3]; DeepVis broadcasts computed values of one rank" },
        { 4, "node 'r' (ReduceMean): has no axes, so it reduces the batch axis too" },
        { 5, "node 'r' (ReduceMean): axes [0, 1] of a [N, 3, 5, 5] input; DeepVis reduces distinct axes from 1 to 3" },
        { 6, "node 'r' (ReduceMax): attribute 'keepdims' is 2; expected 0 or 1" },
        { 7, "node 'r' (ReduceMax): attribute 'select_last_index' is not supported" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Unsupported_attributes_and_shapes_are_one_line(int model, string expected)
    {
        var e = Assert.Throws<WeightsFormatException>(() => Import(Refused[model]));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(expected, e.Message);
    }
}
