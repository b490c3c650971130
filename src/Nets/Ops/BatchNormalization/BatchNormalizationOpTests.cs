using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>BatchNormalization's stored form: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class BatchNormalizationOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["BatchNormalization"] = OpSample.Of("BatchNormalization", new() { ["eps"] = [1e-5] }, new()
        {
            ["n.weight"] = [OpSample.Channels], ["n.bias"] = [OpSample.Channels],
            ["n.running_mean"] = [OpSample.Channels], ["n.running_var"] = [OpSample.Channels],
        }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "eps", [0], "attribute 'eps' is 0; expected a positive finite number" },
        { "eps", [-1e-5], "attribute 'eps' is -1E-05; expected a positive finite number" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["BatchNormalization"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
