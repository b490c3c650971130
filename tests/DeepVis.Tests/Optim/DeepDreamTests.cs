using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>DeepDream on the random mini-vgg: the objective rises and the pyramid ends at the requested size.</summary>
public sealed class DeepDreamTests(DeviceFixture fixture)
{
    [Fact]
    public void Dreaming_raises_the_layer_norm_over_an_octave_pyramid_of_the_requested_size()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var layers = new[] { network.Resolve("relu2_1"), network.Resolve("relu1_2") };
        var (height, width) = (34, 30);
        var original = Enumerable.Range(0, height * width).Select(i => 0.5f * MathF.Sin(i * 0.37f)).ToArray();
        var octaves = Octaves.Sizes(height, width, 3, 1.4f, InputSize.Minimum(network));
        var seen = new List<(int Octave, int H, int W, float[] Loss)>();

        var result = DeepDream.Run(network, layers, original, octaves, new DreamSettings(6, InputSize.PixelLevels(network.Info, 1.5f), 4),
            new Random(3), (optimizer, k) =>
            {
                var losses = new List<float>();
                var loss = optimizer.Run(6, 1, new Random(k), p => losses.Add(p.Loss[0]));
                seen.Add((k, optimizer.Image.H, optimizer.Image.W, [.. losses]));
                return loss;
            });

        Assert.Equal(height * width, result.Image.Length);
        Assert.Equal(octaves.Select((s, k) => (k, s.H, s.W)), seen.Select(s => (s.Octave, s.H, s.W)));
        Assert.True(result.EndObjective > 1.5f * result.StartObjective, $"objective {result.StartObjective} -> {result.EndObjective}");
        // Within every octave the loss (-objective) falls.
        Assert.All(seen, s => Assert.True(s.Loss[^1] < s.Loss[0], $"octave {s.Octave}: loss {s.Loss[0]} -> {s.Loss[^1]}"));
        // The clamp keeps every pixel displayable: normalized values within (0 - mean) / std .. (1 - mean) / std.
        var (low, high) = ((0 - network.Info.Mean[0]) / network.Info.Std[0], (1 - network.Info.Mean[0]) / network.Info.Std[0]);
        Assert.All(result.Image, v => Assert.InRange(v, low - 1e-4f, high + 1e-4f));
    }
}
