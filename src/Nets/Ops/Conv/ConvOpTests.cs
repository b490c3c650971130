using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Conv's stored form: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class ConvOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Conv"] = OpSample.Of("Conv", new() { ["kernel"] = [3, 3], ["stride"] = [1, 1], ["pads"] = [1, 1, 1, 1], ["dilation"] = [1, 1], ["bias"] = [1] },
            new() { ["n.weight"] = [4, OpSample.Channels, 3, 3], ["n.bias"] = [4] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "kernel", [0, 3], "attribute 'kernel' is [0, 3]; expected whole numbers from 1 to 4096" },
        { "stride", [0, 1], "attribute 'stride' is [0, 1]; expected whole numbers from 1 to 4096" },
        { "stride", [1.5, 1], "attribute 'stride' is [1.5, 1]; expected whole numbers from 1 to 4096" },
        { "stride", [1e12, 1], "attribute 'stride' is [1000000000000, 1]; expected whole numbers from 1 to 4096" },
        { "dilation", [1, 0], "attribute 'dilation' is [1, 0]; expected whole numbers from 1 to 4096" },
        { "pads", [-1, 0, 0, 0], "attribute 'pads' is [-1, 0, 0, 0]; expected whole numbers from 0 to 4096" },
        { "pads", [5000, 0, 0, 0], "attribute 'pads' is [5000, 0, 0, 0]; expected whole numbers from 0 to 4096" },
        { "pads", [1, 1], "attribute 'pads' has 2 values, expected 4; Conv takes " + StoredGraph.Ops["Conv"] },
        { "bias", [2], "attribute 'bias' is 2; expected a whole number from 0 to 1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Conv"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
