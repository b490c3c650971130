using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>HardSigmoid's stored form: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class HardSigmoidOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["HardSigmoid"] = OpSample.Of("HardSigmoid", new() { ["alpha"] = [1.0 / 6], ["beta"] = [0.5] }),
    };

    /// <summary>Values finite as doubles but not as floats, which the kernels take.</summary>
    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "alpha", [1e39], "attribute 'alpha' is 1E+39; expected a finite number" },
        { "beta", [-1e39], "attribute 'beta' is -1E+39; expected a finite number" },
        { "alpha", [0.2, 0.3], "attribute 'alpha' has 2 values, expected 1; HardSigmoid takes alpha [a] (finite, default 0.2), beta [b] (finite, default 0.5)" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["HardSigmoid"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
