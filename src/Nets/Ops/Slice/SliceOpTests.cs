using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Slice's stored form: the sample the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class SliceOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Slice"] = OpSample.Of("Slice", new() { ["axis"] = [1], ["start"] = [1], ["end"] = [2], ["step"] = [1] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "axis", [0], "attribute 'axis' is 0; expected a whole number from 1 to 6" },
        { "start", [-1], "attribute 'start' is -1; expected a whole number from 0 to 2147483647" },
        { "end", [1], "attribute 'end' is 1 and 'start' 1; expected end above start" },
        { "step", [0], "attribute 'step' is 0; expected a whole number from 1 to 2147483647" },
        { "squeeze", [2], "attribute 'squeeze' is 2; expected a whole number from 0 to 1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Slice"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
