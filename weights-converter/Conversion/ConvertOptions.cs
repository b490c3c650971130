namespace DeepVis.WeightsConverter.Conversion;

/// <summary>
/// What a user may say about a model that its weight file does not: the architecture (inferred
/// when absent), class names, input normalization and training size.
/// </summary>
public sealed record ConvertOptions(
    string? Arch = null,
    IReadOnlyList<string>? Classes = null,
    float[]? Mean = null,
    float[]? Std = null,
    int? Size = null);
