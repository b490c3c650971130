using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>MatMul's stored form: the sample the registry tests round-trip (MatMul takes no attribute to check).</summary>
public static class MatMulOpTests
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["MatMul"] = OpSample.Of("MatMul", tensors: new() { ["n.weight"] = [5, OpSample.Side], ["n.bias"] = [5] }),
    };
}
