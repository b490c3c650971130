using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Flatten's stored form: the samples the registry tests round-trip (Flatten takes no attribute to check).</summary>
public static class FlattenOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Flatten"] = OpSample.Of("Flatten"),
    };
}
