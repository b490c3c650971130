using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Kernels.Runtime;
using DeepVis.Ops;

namespace DeepVis.Tests.Support;

/// <summary>
/// A small stored-graph node of one op, named "n" and reading a [2, 6, 6] input, with the shapes of the
/// tensors it needs. Each op's folder declares its samples (<c>&lt;Op&gt;OpTests.Samples</c>, one per stored
/// name): the registry tests round-trip them, the op's tests spoil one attribute at a time.
/// </summary>
public sealed record OpSample(GraphNode Node, IReadOnlyDictionary<string, int[]> Tensors)
{
    public const int Channels = 2;
    public const int Side = 6;

    /// <summary>A node of <paramref name="op"/> reading the input <paramref name="inputs"/> times.</summary>
    public static OpSample Of(string op, Dictionary<string, double[]>? attributes = null, Dictionary<string, int[]>? tensors = null, int inputs = 1) =>
        new(new GraphNode("n", op, [.. Enumerable.Repeat(Network.InputName, inputs)], null, attributes), tensors ?? []);

    /// <summary>The sample of stored op <paramref name="stored"/>, from the <c>&lt;Op&gt;OpTests</c> class of the op that declares it.</summary>
    public static OpSample For(string stored)
    {
        var op = OpRegistry.All.Single(o => o.Stored.ContainsKey(stored));
        var tests = typeof(OpSample).Assembly.GetType($"DeepVis.Tests.Nets.{op.Name}OpTests")
            ?? throw new InvalidOperationException($"{op.Name}: no DeepVis.Tests.Nets.{op.Name}OpTests with the op's samples in its folder");
        var samples = (IReadOnlyDictionary<string, OpSample>?)tests.GetProperty("Samples")?.GetValue(null)
            ?? throw new InvalidOperationException($"{tests.Name} has no static Samples");
        return samples.TryGetValue(stored, out var sample) ? sample : throw new InvalidOperationException($"{tests.Name}.Samples has no '{stored}'");
    }

    /// <summary>
    /// A weights file whose graph is this sample, its attributes changed by <paramref name="change"/>;
    /// with <paramref name="afterConvolution"/>, a 1x1 convolution "a" comes first and the sample reads
    /// it (so that a check made too late would find something allocated already).
    /// </summary>
    public WeightsFile File(Action<Dictionary<string, double[]>>? change = null, bool afterConvolution = false)
    {
        var attributes = new Dictionary<string, double[]>(Node.Attributes ?? new Dictionary<string, double[]>());
        change?.Invoke(attributes);
        var tensors = new Dictionary<string, int[]>(Tensors);
        GraphNode[] nodes = [Node with { Attributes = attributes }];
        if (afterConvolution)
        {
            var a = new GraphNode("a", "Conv", [Network.InputName], null, new Dictionary<string, double[]> { ["kernel"] = [1, 1] });
            nodes = [a, nodes[0] with { Inputs = [.. Node.Inputs.Select(_ => "a")] }];
            tensors["a.weight"] = [Channels, Channels, 1, 1];
            tensors["a.bias"] = [Channels];
        }
        var random = new Random(3);
        var info = new ModelInfo("samples", Channels, new float[Channels], [.. Enumerable.Repeat(1f, Channels)], Side, 0,
            Graph: StoredGraph.Serialize(nodes));
        return new WeightsFile(info, [.. tensors.Select(t => new WeightTensor(t.Key, t.Value,
            [.. Enumerable.Range(0, t.Value.Aggregate(1, (x, y) => x * y)).Select(_ => (float)random.NextDouble() + 0.5f)]))]);
    }

    /// <summary>
    /// With <paramref name="attribute"/> set to <paramref name="value"/>, building the network is refused
    /// in exactly "samples: node 'n' (Op): <paramref name="expected"/>", and nothing was allocated on the way.
    /// </summary>
    public void AssertRefusedAtLoad(Device device, string attribute, double[] value, string expected)
    {
        var file = File(a => a[attribute] = value, afterConvolution: true);
        var before = device.AllocatedBytes;
        device.ResetPeak();
        var e = Assert.Throws<WeightsException>(() => Network.Build(device, file));
        Assert.Equal($"samples: node 'n' ({Node.Op}): {expected}", e.Message);
        Assert.Equal(before, device.PeakBytes);
    }
}
