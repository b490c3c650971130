using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Erf's stored form: the sample the registry tests round-trip (Erf takes no attribute to check).</summary>
public static class ErfOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Erf"] = OpSample.Of("Erf"),
    };
}
