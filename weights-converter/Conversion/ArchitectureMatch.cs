using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.WeightsConverter.Conversion;

/// <summary>
/// Which architecture a state dict belongs to, and the dict as our files hold it: each family of
/// <see cref="Architectures.Families"/> in turn renames and leaves out tensors as it declares
/// (<see cref="ModelFamily.Rename"/>) and recognizes the result or not. A dict of no family is
/// refused with the nearest family and the first tensor that differs from it.
/// </summary>
internal static class ArchitectureMatch
{
    /// <summary>
    /// The architecture of <paramref name="tensors"/> and its tensors as the family names them: the
    /// first family that recognizes them says which of its architectures they are; the one the user
    /// named must be that one.
    /// </summary>
    public static (string Arch, List<WeightTensor> Tensors) Infer(IReadOnlyList<WeightTensor> tensors, string? requested, string source)
    {
        var requestedFamily = requested is null ? null : Architectures.FamilyOf(requested)
            ?? throw new WeightsFormatException($"{source}: unknown architecture '{requested}'; known: {string.Join(", ", Architectures.Names)}");
        var sample = $"its {tensors.Count} tensors ({string.Join(", ", tensors.Take(4).Select(t => t.Name))}, ...)";
        foreach (var family in Architectures.Families)
        {
            var renamed = Renamed(family, tensors);
            if (renamed.CountBy(t => t.Name).FirstOrDefault(n => n.Value > 1).Key is { } twice)
                throw new WeightsFormatException($"{source}: two tensors are '{twice}' as {family.Names[0]}'s files name them (an old and a new key)");
            if (family.Recognize(Shapes(renamed)) is not { } arch) continue;
            if (requested is not null && requested != arch)
                throw new WeightsFormatException($"{source}: {sample} are not the layout of {requested} but of {arch}");
            return (arch, renamed);
        }
        if (requestedFamily is not null)
        {
            var differences = Compare(requestedFamily, requested!, tensors) is { } c ? $" ({c.Shared} of its {c.Expected} tensors; first difference: {Difference(c)})" : "";
            throw new WeightsFormatException($"{source}: {sample} are not the layout of {requested}{differences}");
        }
        var nearest = Architectures.Families
            .SelectMany(f => f.Candidates(Shapes(Renamed(f, tensors))).Select(arch => Compare(f, arch, tensors)))
            .OfType<Comparison>().Where(c => c.Shared > 0).MaxBy(c => (c.Shared, (double)c.Shared / c.Expected));
        throw new WeightsFormatException(
            $"{source}: cannot infer the architecture: {sample} match none of {string.Join(", ", Architectures.Names)}; " +
            (nearest is null
                ? "none of them shares a tensor name with it"
                : $"nearest: {nearest.Arch} ({nearest.Shared} of its {nearest.Expected} tensors), first difference: {Difference(nearest)}"));
    }

    /// <summary>
    /// A state dict's comparison with one architecture: the tensor names both have (after the family's
    /// renames), the first tensor of the architecture the dict lacks and the first of the dict the
    /// architecture has no place for.
    /// </summary>
    private sealed record Comparison(string Arch, int Shared, int Expected, string? Missing, WeightTensor? Extra);

    private static string Difference(Comparison c) => (c.Missing, c.Extra) switch
    {
        (not null, not null) => $"expected '{c.Missing}', found '{c.Extra.Name}' {c.Extra.ShapeText}",
        (not null, null) => $"'{c.Missing}' is missing",
        (null, not null) => $"'{c.Extra.Name}' {c.Extra.ShapeText} has no place in it",
        _ => "none by name",
    };

    /// <returns>Null where the family cannot lay out these tensors at all.</returns>
    private static Comparison? Compare(ModelFamily family, string arch, IReadOnlyList<WeightTensor> tensors)
    {
        var renamed = Renamed(family, tensors);
        var shapes = Shapes(renamed);
        Architectures.Layout? layout;
        try
        {
            layout = family.Layout(arch, shapes);
        }
        catch (WeightsException)
        {
            return null;
        }
        if (layout is null) return null;
        var classifier = ModelFamily.TensorNames(layout.Classifier).ToList();
        // A file without classifier tensors is a "notop" file: its layout ends before the classifier.
        List<string> expected = [.. ModelFamily.TensorNames(layout.Features), .. classifier.Any(shapes.ContainsKey) ? classifier : []];
        var known = expected.ToHashSet();
        return new Comparison(arch, renamed.Count(t => known.Contains(t.Name)), known.Count,
            expected.FirstOrDefault(n => !shapes.ContainsKey(n)), renamed.FirstOrDefault(t => !known.Contains(t.Name)));
    }

    private static List<WeightTensor> Renamed(ModelFamily family, IEnumerable<WeightTensor> tensors) =>
        [.. tensors.Select(t => family.Rename(t.Name) is { } name ? (name == t.Name ? t : t with { Name = name }) : null).OfType<WeightTensor>()];

    private static Dictionary<string, int[]> Shapes(IEnumerable<WeightTensor> tensors) => tensors.ToDictionary(t => t.Name, t => t.Shape);
}
