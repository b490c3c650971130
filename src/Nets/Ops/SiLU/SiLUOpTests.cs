using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>SiLU's stored form: the sample the registry tests round-trip (SiLU takes no attribute to check).</summary>
public static class SiLUOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["SiLU"] = OpSample.Of("SiLU"),
    };
}
