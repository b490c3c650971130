using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Linear's stored form: the sample the registry tests round-trip (its geometry is its weight's shape, checked when built).</summary>
public static class LinearOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Linear"] = OpSample.Of("Linear", tensors: new() { ["n.weight"] = [3, OpSample.Channels * OpSample.Side * OpSample.Side], ["n.bias"] = [3] }),
    };
}
