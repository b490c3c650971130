using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// Everything DeepVis knows of one model family, declared in the family's own file and listed once in
/// <see cref="Architectures.Families"/>: the architecture names its weights files carry, its nodes with
/// their addresses and aliases, how a published state dict of the family is recognized (and which of
/// its tensors are renamed or left out on the way), and what a converted file records about its input.
/// </summary>
public sealed class ModelFamily
{
    /// <summary>The architecture names a weights file of this family may carry.</summary>
    public required IReadOnlyList<string> Names { get; init; }

    /// <summary>
    /// The nodes of one of <see cref="Names"/>. A family whose depth or block kinds come from the
    /// tensors reads them from the file's tensor names and shapes, and gives null without them.
    /// </summary>
    public required Func<string, IReadOnlyDictionary<string, int[]>?, Architectures.Layout?> Layout { get; init; }

    /// <summary>
    /// A tensor whose presence names this family in a state dict; null for a family of fixed layouts,
    /// recognized by exactly their tensor names (with or without the classifier).
    /// </summary>
    public string? Signature { get; init; }

    /// <summary>Which of <see cref="Names"/> a state dict with the <see cref="Signature"/> is (its depth, its stem); the first name unless given.</summary>
    public Func<IReadOnlyDictionary<string, int[]>, string>? NameFor { get; init; }

    /// <summary>A published state dict's tensor name as this family's weights files hold it; null for a training-only tensor they leave out.</summary>
    public Func<string, string?> Rename { get; init; } = name => name;

    /// <summary>Those of <see cref="Names"/> that Keras applications publish, with their layer names among the nodes' aliases.</summary>
    public IReadOnlyList<string> Keras { get; init; } = [];

    /// <summary>What a converted file of this family records about its input, from the publishing framework's defaults (a normalization the weights were trained for, a default size).</summary>
    public Func<ModelInfo, ModelInfo> Input { get; init; } = info => info;

    /// <summary>The widths of the published models of one of <see cref="Names"/>, for seeded random weights at their size (benchmarks); null where the family has none.</summary>
    public Func<string, RandomWeights.Widths>? PublishedWidths { get; init; }

    /// <summary>
    /// The tensor names (as <see cref="Rename"/> gives them) and shapes of the published state dict of one
    /// of <see cref="Names"/>, for seeded random weights of a graph family (benchmarks); null for one it has none of.
    /// </summary>
    public Func<string, RandomWeights.Shapes?>? PublishedTensors { get; init; }

    /// <summary>The architecture of a state dict whose tensors went through <see cref="Rename"/>, or null when it is not of this family.</summary>
    public string? Recognize(IReadOnlyDictionary<string, int[]> tensors)
    {
        if (Signature is not null) return tensors.ContainsKey(Signature) ? Name(tensors) : null;
        var names = tensors.Keys.ToHashSet();
        return Names.FirstOrDefault(arch => Layout(arch, null) is { } layout
            && (names.SetEquals(TensorNames(layout.Features)) || names.SetEquals(TensorNames([.. layout.Features, .. layout.Classifier]))));
    }

    /// <summary>
    /// The architectures of this family a state dict of no known family is compared with: every fixed
    /// layout, or the one the tensors' depth gives.
    /// </summary>
    public IEnumerable<string> Candidates(IReadOnlyDictionary<string, int[]> tensors) => Signature is null ? Names : [Name(tensors)];

    /// <summary>The tensor names of the nodes, in node order.</summary>
    public static IEnumerable<string> TensorNames(IEnumerable<LayerSpec> specs) => specs.SelectMany(s => s.TensorNames);

    /// <summary>The module paths of <paramref name="depth"/> segments that hold a tensor: "layer1.0" for "layer1.0.conv1.weight" at depth 2.</summary>
    internal static HashSet<string> Modules(IEnumerable<string> tensorNames, int depth) =>
        [.. tensorNames.Select(n => n.Split('.')).Where(p => p.Length > depth).Select(p => string.Join('.', p.Take(depth)))];

    private string Name(IReadOnlyDictionary<string, int[]> tensors) => NameFor?.Invoke(tensors) ?? Names[0];
}
