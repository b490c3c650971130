using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>ReduceMean's and ReduceMax's stored forms: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class ReduceOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["ReduceMean"] = OpSample.Of("ReduceMean", new() { ["axes"] = [2, 3], ["keepdims"] = [1] }),
        ["ReduceMax"] = OpSample.Of("ReduceMax", new() { ["axes"] = [1], ["keepdims"] = [0] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "axes", [0, 2], "attribute 'axes' is [0, 2]; expected whole numbers from 1 to 3" },
        { "axes", [2, 2], "attribute 'axes' is [2, 2]; expected distinct axes" },
        { "axes", [], "attribute 'axes' is empty; expected at least one axis from 1 to 3" },
        { "keepdims", [2], "attribute 'keepdims' is 2; expected a whole number from 0 to 1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["ReduceMean"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
