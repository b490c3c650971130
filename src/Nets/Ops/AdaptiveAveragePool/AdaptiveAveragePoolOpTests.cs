using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>AdaptiveAveragePool's stored form: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class AdaptiveAveragePoolOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["GlobalAveragePool"] = OpSample.Of("GlobalAveragePool"),
        ["AdaptiveAveragePool"] = OpSample.Of("AdaptiveAveragePool", new() { ["size"] = [2, 3] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "size", [0, 2], "attribute 'size' is [0, 2]; expected whole numbers from 1 to 4096" },
        { "size", [2], "attribute 'size' has 1 value, expected 2; AdaptiveAveragePool takes size [h, w]" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["AdaptiveAveragePool"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
