using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Add, Sub, Mul and Div's stored forms: the samples the registry tests round-trip, and the switch out of range refused at load.</summary>
public sealed class ElementwiseOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Add"] = OpSample.Of("Add", inputs: 2),
        ["Sub"] = OpSample.Of("Sub", new() { ["constant_first"] = [1] }, new() { ["n.weight"] = [1] }),
        ["Mul"] = OpSample.Of("Mul", tensors: new() { ["n.weight"] = [OpSample.Channels, 1, 1] }),
        ["Div"] = OpSample.Of("Div", tensors: new() { ["n.weight"] = [OpSample.Side] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "constant_first", [2], "attribute 'constant_first' is 2; expected a whole number from 0 to 1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Sub"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
