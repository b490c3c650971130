using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Clip's stored form: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class ClipOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Clip"] = OpSample.Of("Clip", new() { ["min"] = [0], ["max"] = [6] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "min", [7], "attribute 'min' is 7 and 'max' 6; expected min at most max" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Clip"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
