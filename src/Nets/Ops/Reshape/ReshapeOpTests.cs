using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Reshape's stored form: the sample the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class ReshapeOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Reshape"] = OpSample.Of("Reshape", new() { ["shape"] = [2, 1, 36] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "shape", [2, 0, 36], "attribute 'shape' is [2, 0, 36]; expected whole numbers from 1 to 2147483647" },
        { "shape", [], "attribute 'shape' has 0 values; expected 1 to 7 item sides" },
        { "shape", [1, 1, 1, 1, 1, 1, 1, 72], "attribute 'shape' has 8 values; expected 1 to 7 item sides" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Reshape"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
