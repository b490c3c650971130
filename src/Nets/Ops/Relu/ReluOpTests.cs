using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Relu's stored form: the samples the registry tests round-trip (Relu takes no attribute to check).</summary>
public static class ReluOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Relu"] = OpSample.Of("Relu"),
    };
}
