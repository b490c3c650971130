using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>LRN's stored form: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class LRNOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["LRN"] = OpSample.Of("LRN", new() { ["size"] = [3], ["alpha"] = [1e-4], ["beta"] = [0.75], ["bias"] = [1] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "size", [0], "attribute 'size' is 0; expected a whole number from 1 to 4096" },
        { "alpha", [1e300], "attribute 'alpha' is 1E+300; expected a finite number" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["LRN"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
