using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Weights;
using DeepVis.Ops;
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

    [Fact]
    public void A_constant_under_its_own_name_scales_the_input_and_a_missing_one_is_named()
    {
        // torchvision's layer scale: a [C, 1, 1] parameter named layer_scale, multiplied from the left.
        var spec = new ElementwiseSpec("blk", [], BinaryKind.Mul, ConstantFirst: true, Tensor: "blk.layer_scale");
        Assert.Equal(["blk.layer_scale"], spec.TensorNames);
        var info = new ModelInfo("scaled", 2, [0, 0], [1, 1], 2, 0);
        var weights = new WeightsFile(info, [new WeightTensor("blk.layer_scale", [2, 1, 1], [2f, -3f])]);
        using var layer = spec.Build(fixture.Device, weights, [[2, 1, 2]]);
        using var x = Tensor.FromArray(fixture.Device, [1f, 2f, 3f, 4f], 1, 2, 1, 2);
        using var y = Tensor.FromArray(fixture.Device, [float.NaN, float.NaN, float.NaN, float.NaN], 1, 2, 1, 2);
        Assert.Equal([1, 2, 1, 2], layer.OutputShape([[1, 2, 1, 2]]));
        layer.Forward([x], y);
        Assert.Equal([2f, 4f, -9f, -12f], y.ToArray());
        var e = Assert.Throws<WeightsException>(() => spec.Build(fixture.Device, new WeightsFile(info, []), [[2, 1, 2]]));
        Assert.Contains("weight tensor 'blk.layer_scale' is missing", e.Message);
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void A_value_out_of_range_is_one_line_before_anything_is_allocated(string attribute, double[] value, string expected) =>
        Samples["Sub"].AssertRefusedAtLoad(fixture.Device, attribute, value, expected);
}
