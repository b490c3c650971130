using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter;
using DeepVis.WeightsConverter.Conversion;
using static DeepVis.Tests.Converter.OnnxGraphs;

namespace DeepVis.Tests.Nets;

/// <summary>
/// Gelu's stored form (the sample the registry tests round-trip, the form switch out of range refused at
/// load), and ONNX Gelu and Erf imported and run against the double references.
/// </summary>
public sealed class GeluOpTests(DeviceFixture fixture) : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Gelu"] = OpSample.Of("Gelu", new() { ["approximate"] = [1] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "approximate", [2], "attribute 'approximate' is 2; expected a whole number from 0 to 1" },
        { "approximate", [0.5], "attribute 'approximate' is 0.5; expected a whole number from 0 to 1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Gelu"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);

    private WeightsFile Import(Onnx.ModelProto model) => ModelConverter.Convert(model.Save(_folder.File("m.onnx")), new ConvertOptions());

    [Fact]
    public void Onnx_gelu_in_both_forms_and_erf_import_and_match_the_references()
    {
        var file = Import(OnnxModel([2, 3, 4, 5], 20, [],
            Node("Gelu", "exact", ["x"], "a"), Node("Erf", "erf", ["a"], "b"), Node("Gelu", "tanh", ["b"], "y", Text("approximate", "tanh"))));
        var graph = StoredGraph.Parse(file.Info.Graph!, "test");
        Assert.Equal(["Gelu", "Erf", "Gelu"], graph.Select(n => n.Op));
        Assert.Equal([0.0, 1.0], new[] { graph[0], graph[2] }.Select(n => n.Attributes!["approximate"][0]));

        var rng = new Random(25);
        var x = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(_ => (float)(rng.NextDouble() * 8 - 4)).ToArray();
        var a = GeluReference.Forward([.. x.Select(v => (double)v)], tanh: false);
        var b = ErfReference.Forward(a);
        var y = GeluReference.Forward(b, tanh: true);
        using var network = Network.Build(fixture.Device, file);
        using var workspace = new Workspace(network, [2, 3, 4, 5], [network.Resolve("exact"), network.Resolve("erf"), network.Resolve("tanh")]);
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        foreach (var (address, expected) in new[] { ("exact", a), ("erf", b), ("tanh", y) })
        {
            var actual = workspace.OutputOf(network.Resolve(address).Index).ToArray();
            for (var k = 0; k < actual.Length; k++)
                Assert.True(Math.Abs(actual[k] - expected[k]) <= 1e-5 * (1 + Math.Abs(expected[k])), $"{address}[{k}] is {actual[k]}, expected {expected[k]}");
        }
        Assert.Equal("GELU", network.Resolve("tanh").Layer.Type);
        Assert.Equal("approximate tanh", network.Resolve("tanh").Layer.Details);
    }

    [Fact]
    public void Onnx_gelu_with_another_approximation_is_one_line()
    {
        var e = Assert.Throws<WeightsFormatException>(() => Import(OnnxModel([1, 3, 4, 4], 20, [], Node("Gelu", "g", ["x"], "y", Text("approximate", "sigmoid")))));
        Assert.Equal("node 'g' (Gelu): attribute 'approximate' is 'sigmoid'; expected none or tanh", e.Message[e.Message.IndexOf("node", StringComparison.Ordinal)..]);
        e = Assert.Throws<WeightsFormatException>(() => Import(OnnxModel([1, 3, 4, 4], 20, [], Node("Erf", "e", ["x"], "y", Float("alpha", 1)))));
        Assert.Contains("node 'e' (Erf): attribute 'alpha' is not supported; Erf takes no attributes", e.Message);
    }
}
