namespace DeepVis.WeightsConverter.Conversion;

/// <summary>
/// What a user may say about a model that its weight file does not: the architecture (inferred
/// when absent), class names, input normalization, the pixel range (1 or 255) and channel order
/// the model expects, and its training size.
/// </summary>
public sealed record ConvertOptions(
    string? Arch = null,
    IReadOnlyList<string>? Classes = null,
    float[]? Mean = null,
    float[]? Std = null,
    int? Size = null,
    float? Scale = null,
    bool Bgr = false);
