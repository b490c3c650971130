using DeepVis.Nets.Zoo;

namespace DeepVis.WeightsConverter.Conversion;

/// <summary>Which architecture a set of torchvision tensor names belongs to.</summary>
internal static class ArchitectureMatch
{
    /// <summary>
    /// The architecture whose tensor names are exactly <paramref name="names"/> (with or without its
    /// classifier), or the one the user named, checked the same way.
    /// </summary>
    public static string Infer(IReadOnlyCollection<string> names, string? requested, string source)
    {
        var candidates = requested is null ? Architectures.Names : [requested];
        if (requested is not null && Architectures.Find(requested) is null)
            throw new WeightsFormatException($"{source}: unknown architecture '{requested}'; known: {string.Join(", ", Architectures.Names)}");
        var set = names.ToHashSet();
        foreach (var arch in candidates)
        {
            var layout = Architectures.Find(arch)!;
            var features = layout.Features.SelectMany(s => s.TensorNames).ToHashSet();
            var all = features.Concat(layout.Classifier.SelectMany(s => s.TensorNames)).ToHashSet();
            if (set.SetEquals(all) || set.SetEquals(features)) return arch;
        }
        var sample = string.Join(", ", names.Take(4));
        throw new WeightsFormatException(requested is null
            ? $"{source}: cannot infer the architecture: its {names.Count} tensors ({sample}, ...) match none of {string.Join(", ", Architectures.Names)}"
            : $"{source}: its {names.Count} tensors ({sample}, ...) are not the layout of {requested}");
    }
}
