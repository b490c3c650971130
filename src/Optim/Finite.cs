namespace DeepVis.Optim;

/// <summary>The range tests the settings records share: a NaN or an infinity fails every one.</summary>
internal static class Finite
{
    public static bool Positive(float value) => value > 0 && float.IsFinite(value);

    public static bool NonNegative(float value) => value >= 0 && float.IsFinite(value);
}
