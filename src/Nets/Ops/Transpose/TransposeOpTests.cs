using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>Transpose's stored forms: the samples the registry tests round-trip, and each attribute out of range refused at load.</summary>
public sealed class TransposeOpTests(DeviceFixture fixture)
{
    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/> and the refusals below.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Transpose"] = OpSample.Of("Transpose", new() { ["perm"] = [0, 2, 3, 1] }),
        ["ChannelShuffle"] = OpSample.Of("ChannelShuffle", new() { ["groups"] = [2] }),
    };

    public static TheoryData<string, double[], string> Refusals => new()
    {
        { "perm", [1, 0, 2, 3], "attribute 'perm': perm [1, 0, 2, 3] moves the batch axis" },
        { "perm", [0, 1, 1, 3], "attribute 'perm': perm [0, 1, 1, 3] is not a permutation of 4 axes" },
        { "perm", [0, 2, 9, 1], "attribute 'perm' is [0, 2, 9, 1]; expected whole numbers from 0 to 5" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Transpose"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);

    [Fact]
    public void Channel_shuffle_groups_out_of_range_are_refused() =>
        Samples["ChannelShuffle"].AssertRefusedAtLoad(fixture.Device, "groups", [0], "attribute 'groups' is 0; expected a whole number from 1 to 65536");
}
