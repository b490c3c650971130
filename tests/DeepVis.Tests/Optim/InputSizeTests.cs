using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

public sealed class InputSizeTests(DeviceFixture fixture)
{
    [Fact]
    public void Sides_are_those_every_node_up_to_the_targets_accepts()
    {
        using var network = Network.Build(fixture.Device, TestWeights.AsymmetricBlock());
        Assert.Equal([2, 4, 6, 8, 10], InputSize.Sides(network, [network.Resolve("block")], 11));
        // The strided convolution alone fits every side from 2 on: only the Add needs both branches to agree.
        Assert.Equal([2, 3, 4, 5, 6], InputSize.Sides(network, [network.Resolve("main")], 6));
        using var vgg = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var target = vgg.Resolve("relu2_1");
        Assert.Equal(Enumerable.Range(InputSize.Minimum(vgg, [target]), 20), InputSize.Sides(vgg, [target], InputSize.Minimum(vgg, [target]) + 19));
    }

    [Theory]
    [InlineData(7, 8)]
    [InlineData(8, 8)]
    [InlineData(1, 2)]
    [InlineData(99, 10)]
    public void Nearest_picks_the_closest_side_and_the_larger_on_a_tie(int side, int nearest) =>
        Assert.Equal(nearest, InputSize.Nearest([2, 4, 6, 8, 10], side));
}
