using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>
/// A stored-graph node being turned into a layer spec: its attributes read and validated, each refusal
/// one <see cref="WeightsException"/> line naming the model, the node, the attribute, the value and the
/// allowed range. Every value is checked here, when the graph is read, before anything is allocated.
/// </summary>
internal sealed class OpNode(GraphNode node, string arch, StoredForm form)
{
    public GraphNode Node { get; } = node;

    /// <summary>"arch: node 'address' (Op)": how every refusal about this node begins.</summary>
    public string Where => $"{arch}: node '{Node.Address}' ({Node.Op})";

    public WeightsException Refuse(string problem) => new($"{Where}: {problem}");

    /// <summary>Throws the refusal when <paramref name="problem"/> is not null.</summary>
    public void Require(string? problem)
    {
        if (problem is not null) throw Refuse(problem);
    }

    /// <summary>The attribute's values, whole numbers from <paramref name="min"/> to <paramref name="max"/> (see <see cref="Values"/>).</summary>
    public int[] Ints(string name, int count, int min, int max, int? fallback = null)
    {
        var values = Values(name, count, fallback);
        Require(Ranges.Problem(name, values, min, max));
        return [.. values.Select(v => (int)v)];
    }

    /// <summary>One whole number from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public int Int(string name, int min, int max, int? fallback = null) => Ints(name, 1, min, max, fallback)[0];

    /// <summary>A 0/1 switch.</summary>
    public bool Flag(string name, bool fallback) => Int(name, 0, 1, fallback ? 1 : 0) == 1;

    /// <summary>One number as stored, for the op's own check.</summary>
    public double Number(string name, double fallback) => Values(name, 1, fallback)[0];

    /// <summary>One number that <paramref name="fits"/> (NaN never does); <paramref name="expected"/> says what would.</summary>
    public double Number(string name, double fallback, Func<double, bool> fits, string expected)
    {
        var value = Number(name, fallback);
        if (double.IsNaN(value) || !fits(value)) throw Refuse($"attribute '{name}' is {Ranges.Format([value])}; expected {expected}");
        return value;
    }

    /// <summary>A spec for a layer without weights; the settings were read (and checked) before <paramref name="create"/> runs.</summary>
    public LayerSpec Stateless(Func<ILayer> create) => new StatelessSpec(Node.Address, Node.Aliases ?? [], create);

    /// <summary>
    /// The attribute's values as stored, exactly <paramref name="count"/> of them, for the op's own check;
    /// <paramref name="fallback"/> for every position when the attribute is absent, or a refusal naming what
    /// the op takes when there is none.
    /// </summary>
    public double[] Values(string name, int count, double? fallback = null)
    {
        if (Node.Attributes?.GetValueOrDefault(name) is { } values)
            return values.Length == count ? values
                : throw Refuse($"attribute '{name}' has {values.Length} value{(values.Length == 1 ? "" : "s")}, expected {count}; {Node.Op} takes {form.Attributes}");
        return fallback is { } f ? [.. Enumerable.Repeat(f, count)]
            : throw new WeightsException($"{Where} lacks attribute '{name}'; {Node.Op} takes {form.Attributes}");
    }
}
