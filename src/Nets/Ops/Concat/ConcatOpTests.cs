using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Concat's stored form: the samples the registry tests round-trip (Concat takes no attribute to check).</summary>
public static class ConcatOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Concat"] = OpSample.Of("Concat", inputs: 2),
    };
}
