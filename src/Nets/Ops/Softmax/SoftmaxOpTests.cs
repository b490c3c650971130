using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Softmax's stored forms: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class SoftmaxOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Softmax"] = OpSample.Of("Softmax", new() { ["axis"] = [1] }),
        ["LogSoftmax"] = OpSample.Of("LogSoftmax", new() { ["axis"] = [2], ["coerced"] = [1] }),
    };

    /// <summary>Refusals of the LogSoftmax sample (the last stored name, which Softmax shares its attributes with).</summary>
    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "axis", [0], "attribute 'axis' is 0; expected a whole number from 1 to 7" },
        { "axis", [1.5], "attribute 'axis' is 1.5; expected a whole number from 1 to 7" },
        { "coerced", [2], "attribute 'coerced' is 2; expected a whole number from 0 to 1" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected)
    {
        Samples["Softmax"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
        Samples["LogSoftmax"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
    }
}
