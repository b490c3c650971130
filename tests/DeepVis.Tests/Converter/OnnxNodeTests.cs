using System.Collections.Concurrent;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Onnx;
using DeepVis.Ops;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;
using Google.Protobuf;
using Onnx;

namespace DeepVis.Tests.Converter;

/// <summary>
/// ONNX's own backend node tests (Debian's libonnx-testdata): every test folder whose nodes are all op
/// types the registry maps is imported the way the CLI imports a file (<see cref="ModelConverter"/>),
/// run on its test data with the CPU kernels and the ILGPU ones, and must match ONNX's outputs within
/// ONNX's own backend tolerance, or be refused with one line that names the node and its op (or the
/// graph input). Any other exception, or a wrong output, fails.
/// </summary>
/// <remarks>
/// The node tests declare weights (a Conv's W, BatchNormalization's statistics, Gemm's B and C, Clip's
/// bounds, Pad's pads) as graph inputs fed by the test data; DeepVis runs one image input and reads
/// weights from initializers, so every graph input after the first becomes an initializer holding its
/// test value. An op that needs two computed operands then shows as a refusal of a constant operand.
/// </remarks>
public sealed class OnnxNodeTests(DeviceFixture fixture, ITestOutputHelper output)
{
    private const string Root = "/usr/share/libonnx-testdata/data/node";

    /// <summary>ONNX's backend test tolerance (onnx.backend.test.runner: rtol 1e-3, atol 1e-7).</summary>
    private const double Rtol = 1e-3, Atol = 1e-7;

    /// <summary>One folder's result: passed (both null), refused (the line), or failed (what was wrong).</summary>
    private sealed record Outcome(string Folder, string? Refusal, string? Failure);

    private static readonly ConcurrentDictionary<string, Lazy<Outcome>> Outcomes = new();

    /// <summary>The folders whose every node is an op type the registry maps; one placeholder row when the package is absent.</summary>
    public static TheoryData<string> Folders
    {
        get
        {
            if (!Directory.Exists(Root)) return ["(libonnx-testdata is not installed)"];
            return [.. Mapped()];
        }
    }

    private static IEnumerable<string> Mapped() =>
        Directory.EnumerateDirectories(Root).Order(StringComparer.Ordinal)
            .Where(d => File.Exists(Path.Combine(d, "model.onnx")))
            .Where(d => Parse(Path.Combine(d, "model.onnx")).Graph.Node.All(n => OpRegistry.Onnx.ContainsKey(n.OpType)))
            .Select(Path.GetFileName)!;

    [Theory]
    [MemberData(nameof(Folders))]
    public void A_node_test_passes_or_is_refused_in_one_line(string folder)
    {
        Assert.SkipUnless(Directory.Exists(Root), "libonnx-testdata is not installed (apt-get install libonnx-testdata)");
        var outcome = OutcomeOf(folder);
        Assert.True(outcome.Failure is null, $"{folder}: {outcome.Failure}");
        if (outcome.Refusal is not null) output.WriteLine($"refused: {outcome.Refusal}");
    }

    [Fact]
    public void Summary()
    {
        Assert.SkipUnless(Directory.Exists(Root), "libonnx-testdata is not installed (apt-get install libonnx-testdata)");
        var outcomes = Mapped().Select(OutcomeOf).ToList();
        var refused = outcomes.Where(o => o.Refusal is not null).ToList();
        var failed = outcomes.Where(o => o.Failure is not null).ToList();
        output.WriteLine($"ONNX node tests of mapped ops: {outcomes.Count} run, {outcomes.Count - refused.Count - failed.Count} passed, " +
            $"{refused.Count} refused, {failed.Count} failed");
        foreach (var group in refused.GroupBy(o => Reason(o.Refusal!)).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal))
            output.WriteLine($"  refused {group.Count()}x: {group.Key} ({string.Join(", ", group.Select(o => o.Folder))})");
        foreach (var f in failed) output.WriteLine($"  FAILED {f.Folder}: {f.Failure}");
        Assert.Empty(failed);
        Assert.Contains(outcomes, o => o.Refusal is null && o.Failure is null);
    }

    /// <summary>A refusal's reason without the file and node names, so that refusals of the same kind group.</summary>
    private static string Reason(string line)
    {
        var node = line.IndexOf(": node '", StringComparison.Ordinal);
        if (node >= 0)
        {
            var op = line.IndexOf("): ", node, StringComparison.Ordinal);
            var start = line.IndexOf('(', node);
            return op > 0 ? $"{line[(start + 1)..op]}: {line[(op + 3)..]}" : line[(node + 2)..];
        }
        var colon = line.IndexOf(".onnx: ", StringComparison.Ordinal);
        // A graph input's refusal: its name and shape differ per folder, the reason does not.
        return colon >= 0 ? System.Text.RegularExpressions.Regex.Replace(line[(colon + 7)..], @"'[^']*'|\[[^\]]*\](?=;)", "...") : line;
    }

    private Outcome OutcomeOf(string folder) =>
        Outcomes.GetOrAdd(folder, f => new Lazy<Outcome>(() => Run(f, fixture.For(Implementation.Cpu), fixture.For(Implementation.Ilgpu)))).Value;

    private static ModelProto Parse(string path)
    {
        using var stream = File.OpenRead(path);
        return ModelProto.Parser.ParseFrom(stream);
    }

    private static TensorProto Tensor(string path)
    {
        using var stream = File.OpenRead(path);
        return TensorProto.Parser.ParseFrom(stream);
    }

    /// <summary>Every data set of the folder through the importer and both implementations.</summary>
    private static Outcome Run(string folder, Device cpu, Device ilgpu)
    {
        var directory = Path.Combine(Root, folder);
        var sets = Directory.EnumerateDirectories(directory, "test_data_set_*").Order(StringComparer.Ordinal).ToList();
        if (sets.Count == 0) return new(folder, null, "no test_data_set_* folder");
        var temp = Directory.CreateTempSubdirectory("deepvis-onnx-node-");
        try
        {
            foreach (var set in sets)
            {
                var model = Parse(Path.Combine(directory, "model.onnx"));
                var graph = model.Graph;
                var constant = graph.Initializer.Select(i => i.Name).ToHashSet();
                var inputs = graph.Input.Where(i => !constant.Contains(i.Name)).ToList();
                var fed = inputs.Select((input, k) => Tensor(Path.Combine(set, $"input_{k}.pb"))).ToList();
                // Inputs after the first are the node's weights and settings: bound to their test values.
                foreach (var (input, k) in inputs.Select((input, k) => (input, k)).Skip(1))
                {
                    var value = fed[k].Clone();
                    value.Name = input.Name;
                    graph.Initializer.Add(value);
                }
                var path = Path.Combine(temp.FullName, $"{folder}.onnx");
                File.WriteAllBytes(path, model.ToByteArray());

                DeepVis.Nets.Weights.WeightsFile file;
                try
                {
                    file = ModelConverter.Convert(path, new ConvertOptions());
                }
                catch (DeepVisException e)
                {
                    if (e.Message.Contains('\n')) return new(folder, null, $"a refusal of several lines: {e.Message}");
                    // A node's refusal names the node and its op; a graph input's (or a bound input's) names it.
                    var names = graph.Node.Any(n => e.Message.Contains($"({n.OpType})")) || graph.Input.Any(i => e.Message.Contains($"'{i.Name}'"));
                    return names ? new(folder, e.Message, null) : new(folder, null, $"a refusal that names neither a node's op nor a graph input: {e.Message}");
                }
                var x = OnnxTensors.Read(fed[0], set);
                var expected = graph.Output.Select((o, k) => (o.Name, Value: OnnxTensors.Read(Tensor(Path.Combine(set, $"output_{k}.pb")), set))).ToList();
                foreach (var device in new[] { cpu, ilgpu })
                {
                    Network built;
                    try
                    {
                        built = Network.Build(device, file);
                    }
                    catch (DeepVisException e) when (!e.Message.Contains('\n') && e.Message.Contains("does not fit"))
                    {
                        // Shapes fixed at a non-square exported size (a Reshape to constants) fit only that size, which
                        // a model's one square default size cannot be: refused in one line when the network is built.
                        return new(folder, e.Message, null);
                    }
                    using var network = built;
                    var targets = expected.Select(e => network.Resolve(e.Name)).ToList();
                    using var workspace = new Workspace(network, x.Shape, targets);
                    workspace.Input.CopyFrom(x.AsFloats("input"));
                    workspace.Forward();
                    foreach (var ((name, value), layer) in expected.Zip(targets))
                    {
                        var actual = workspace.OutputOf(layer.Index);
                        if (!actual.Shape.SequenceEqual(value.Shape))
                            return new(folder, null, $"{Path.GetFileName(set)} output '{name}' on {device.Spec}: shape [{string.Join(", ", actual.Shape)}], ONNX's is {value.ShapeText}");
                        var got = actual.ToArray();
                        var want = value.AsFloats(name);
                        for (var i = 0; i < want.Length; i++)
                            if (!(Math.Abs(got[i] - want[i]) <= Atol + Rtol * Math.Abs(want[i])))
                                return new(folder, null, $"{Path.GetFileName(set)} output '{name}' on {device.Spec}: element {i} is {got[i]}, ONNX's is {want[i]}");
                    }
                }
            }
            return new(folder, null, null);
        }
        finally
        {
            temp.Delete(recursive: true);
        }
    }
}
