using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Tanh's stored form: the sample the registry tests round-trip (Tanh takes no attribute to check).</summary>
public static class TanhOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Tanh"] = OpSample.Of("Tanh"),
    };
}
