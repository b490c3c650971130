using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Dropout's stored form: the samples the registry tests round-trip (Dropout takes no attribute to check).</summary>
public static class DropoutOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Dropout"] = OpSample.Of("Dropout"),
    };
}
