using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>MaxPool's stored form: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class MaxPoolOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["MaxPool"] = OpSample.Of("MaxPool", new() { ["kernel"] = [2, 2], ["stride"] = [2, 2], ["pads"] = [1, 1, 1, 1], ["ceil"] = [0], ["dilation"] = [1, 2] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "kernel", [0, 2], "attribute 'kernel' is [0, 2]; expected whole numbers from 1 to 4096" },
        { "stride", [2, 0], "attribute 'stride' is [2, 0]; expected whole numbers from 1 to 4096" },
        { "pads", [2, 0, 0, 0], "attribute 'pads' is [2, 0, 0, 0]; expected each pad below its dilated kernel side (2 for top and bottom, 3 for left and right)" },
        { "pads", [0, -1, 0, 0], "attribute 'pads' is [0, -1, 0, 0]; expected whole numbers from 0 to 4096" },
        { "ceil", [3], "attribute 'ceil' is 3; expected a whole number from 0 to 1" },
        { "dilation", [0, 1], "attribute 'dilation' is [0, 1]; expected whole numbers from 1 to 4096" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["MaxPool"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
