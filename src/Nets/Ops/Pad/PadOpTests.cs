using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Pad's stored form: the sample the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class PadOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Pad"] = OpSample.Of("Pad", new() { ["pads"] = [1, 2, 0, 1], ["mode"] = [1] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "pads", [1, -1, 0, 0], "attribute 'pads' is [1, -1, 0, 0]; expected whole numbers from 0 to 4096" },
        { "mode", [3], "attribute 'mode' is 3; expected a whole number from 0 to 2" },
        { "value", [1e39], "attribute 'value' is 1E+39; expected a finite single-precision number" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Pad"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
