using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>AveragePool's stored form: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class AveragePoolOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["AveragePool"] = OpSample.Of("AveragePool", new() { ["kernel"] = [3, 3], ["stride"] = [2, 2], ["pads"] = [1, 1, 1, 1], ["ceil"] = [1], ["count_include_pad"] = [0] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "kernel", [3, -3], "attribute 'kernel' is [3, -3]; expected whole numbers from 1 to 4096" },
        { "pads", [1, 3, 1, 1], "attribute 'pads' is [1, 3, 1, 1]; expected each pad below its kernel side (3 for top and bottom, 3 for left and right)" },
        { "count_include_pad", [0.5], "attribute 'count_include_pad' is 0.5; expected a whole number from 0 to 1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["AveragePool"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
