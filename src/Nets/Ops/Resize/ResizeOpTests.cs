using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Resize's stored form: the sample the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class ResizeOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Resize"] = OpSample.Of("Resize", new() { ["mode"] = [1], ["coordinates"] = [1], ["rounding"] = [0], ["scales"] = [2, 1.5] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "mode", [2], "attribute 'mode' is 2; expected a whole number from 0 to 1" },
        { "coordinates", [4], "attribute 'coordinates' is 4; expected a whole number from 0 to 3" },
        { "scales", [0, 2], "attribute 'scales' is [0, 2]; expected numbers above 0 and at most 4096" },
        { "size", [0, 5], "attribute 'size' is [0, 5]; expected whole numbers from 1 to 4096" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Resize"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
