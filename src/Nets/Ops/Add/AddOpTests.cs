using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Add's stored form: the samples the registry tests round-trip (Add takes no attribute to check).</summary>
public static class AddOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Add"] = OpSample.Of("Add", inputs: 2),
    };
}
