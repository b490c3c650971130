using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Sigmoid's stored form: the sample the registry tests round-trip (Sigmoid takes no attribute to check).</summary>
public static class SigmoidOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Sigmoid"] = OpSample.Of("Sigmoid"),
    };
}
