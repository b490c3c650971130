using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>LayerNorm's stored form: the sample the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class LayerNormOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["LayerNorm"] = OpSample.Of("LayerNorm", new() { ["axis"] = [1], ["epsilon"] = [1e-6] },
            new() { ["n.weight"] = [OpSample.Channels], ["n.bias"] = [OpSample.Channels] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "axis", [0], "attribute 'axis' is 0; expected a whole number from 1 to 6" },
        { "count", [7], "attribute 'count' is 7; expected a whole number from 1 to 6" },
        { "epsilon", [0], "attribute 'epsilon' is 0; expected a number in (0, 1]" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["LayerNorm"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
