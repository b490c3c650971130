using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>HardSwish's stored form: the sample the registry tests round-trip (HardSwish takes no attribute to check).</summary>
public static class HardSwishOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["HardSwish"] = OpSample.Of("HardSwish"),
    };
}
