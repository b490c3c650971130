using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Optim.Objectives;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

public sealed class ObjectiveTests(DeviceFixture fixture)
{
    [Fact]
    public void Algebra_builds_weighted_terms()
    {
        var o = Objective.Channel("layer3.1", 12) + 0.5 * Objective.Channel("layer4.0", 7) - 100 * Objective.Diversity("layer3.1");
        Assert.Equal("layer3.1:12 + 0.5*layer4.0:7 + -100*diversity(layer3.1)", o.ToString());
        Assert.Equal("-2*neuron(a:1)@3", (-(Objective.Neuron("a", 1) * 2)).At(3).ToString());
    }

    [Fact]
    public void Parser_reads_the_issue_example()
    {
        var parsed = ObjectiveParser.Parse("layer3.1:12 + 0.5*layer4.0:7 - 100*diversity(layer3.1)");
        var built = Objective.Channel("layer3.1", 12) + 0.5 * Objective.Channel("layer4.0", 7) - 100 * Objective.Diversity("layer3.1");
        Assert.Equal(built.Terms, parsed.Terms);
    }

    [Fact]
    public void Parser_reads_every_term_and_operator()
    {
        var parsed = ObjectiveParser.Parse("-(neuron(conv1:2) - 2*3*dream(pool1))@1 + direction(fc1, dir.txt)*1e-1 + fc2:4 + direction(c, d/e.txt, 2)");
        Assert.Equal("-1*neuron(conv1:2)@1 + 6*dream(pool1)@1 + 0.1*direction(fc1, dir.txt) + fc2:4 + direction(c, d/e.txt, 2)", parsed.ToString());
    }

    [Fact]
    public void Parser_reads_a_layer_index()
    {
        Assert.Equal(Objective.Channel("#3", 2).Terms, ObjectiveParser.Parse("#3:2").Terms);
        Assert.Equal(Objective.DeepDream("#12").Terms, ObjectiveParser.Parse("dream(#12)").Terms);
    }

    [Theory]
    [InlineData("conv1:", 7, "a channel number after ':'")]
    [InlineData("conv1:2 +", 10, "a term")]
    [InlineData("conv1:2 * conv1:3", 11, "a number (two objectives cannot be multiplied)")]
    [InlineData("2 + conv1:3", 1, "an objective term")]
    [InlineData("3", 1, "an objective term such as layer:channel")]
    [InlineData("conv1:2 )", 9, "'+', '-', '*' or the end")]
    [InlineData("neuron(conv1)", 13, "':'")]
    [InlineData("(conv1:2", 9, "')'")]
    [InlineData("conv1:2@x", 9, "a batch image index")]
    [InlineData("#:2", 2, "a layer index after '#'")]
    public void Parse_errors_name_the_position_and_what_was_expected(string text, int position, string expected)
    {
        var ex = Assert.Throws<ObjectiveException>(() => ObjectiveParser.Parse(text));
        Assert.Contains($"at position {position} expected {expected}", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [Fact]
    public void Neuron_is_the_centre_of_a_non_square_map()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        // conv1_2 on a 7x12 input is 7x12: the centre is row 3, column 6.
        var objectives = ObjectiveBuilder.Build(network, Objective.Neuron("conv1_2", 2), 1, 7, 12);
        var shape = network.OutputShapes(1, 7, 12, [network.Resolve("conv1_2")])[network.Resolve("conv1_2").Index];
        var activation = new float[shape.Aggregate(1, (a, b) => a * b)];
        activation[(2 * 7 + 3) * 12 + 6] = 5f;
        activation[(2 * 7 + 3) * 12 + 5] = 100f;
        using var tensor = Tensor.FromArray(fixture.Device, activation, shape);
        Assert.Equal(-5f, Assert.Single(objectives).Loss(tensor)[0]);
    }

    [Fact]
    public void Building_names_what_does_not_fit()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var width = network.OutputShapes(1, 28, 28, [network.Resolve("conv1_2")])[network.Resolve("conv1_2").Index][1];
        var ex = Assert.Throws<ObjectiveException>(() => ObjectiveBuilder.Build(network, Objective.Channel("conv1_2", width), 1, 28, 28));
        Assert.Contains($"has {width} (0 to {width - 1})", ex.Message);
        var unknown = Assert.Throws<LayerNotFoundException>(() => ObjectiveBuilder.Build(network, Objective.Channel("nope", 0), 1, 28, 28));
        Assert.Contains("conv1_2", unknown.Message);
        ex = Assert.Throws<ObjectiveException>(() => ObjectiveBuilder.Build(network, Objective.Channel("conv1_2", 0).At(2), 2, 28, 28));
        Assert.Contains("beyond the batch of 2", ex.Message);
        var file = Path.Combine(Path.GetTempPath(), $"direction-{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, "1 2, 3");
        try
        {
            ex = Assert.Throws<ObjectiveException>(() => ObjectiveBuilder.Build(network, Objective.Direction("conv1_2", file), 1, 28, 28));
            Assert.Contains($"has 3 values, conv1_2 has {width} channels", ex.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Direction_with_a_cosine_power_is_the_dot_where_the_activation_points_along_it()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var layer = network.Resolve("conv1_2");
        var shape = network.OutputShapes(2, 3, 3, [layer])[layer.Index];
        var direction = Enumerable.Range(0, shape[1]).Select(c => (float)(c % 3 - 1) + 0.5f).ToArray();
        var file = Path.Combine(Path.GetTempPath(), $"direction-{Guid.NewGuid():N}.txt");
        File.WriteAllText(file, string.Join("\n", direction.Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        try
        {
            var objectives = ObjectiveBuilder.Build(network, ObjectiveParser.Parse($"2*direction(conv1_2, {file}, 3)@1"), 2, 3, 3);
            // Image 1 is 4 v everywhere: cosine 1, so the value is 4 |v|^2 at every position; image 0 is not in the term.
            var activation = new float[shape.Aggregate(1, (a, b) => a * b)];
            var item = activation.Length / 2;
            for (var i = item; i < activation.Length; i++) activation[i] = 4 * direction[(i - item) / 9];
            using var tensor = Tensor.FromArray(fixture.Device, activation, shape);
            var loss = Assert.Single(objectives).Loss(tensor);
            var expected = -2 * 4 * direction.Sum(v => v * v);
            Assert.Equal(0f, loss[0]);
            Assert.True(Math.Abs(loss[1] - expected) < 1e-3 * Math.Abs(expected), $"loss {loss[1]}, expected {expected}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Linear_terms_at_one_layer_sum_into_one_weighted_mask()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var layer = network.Resolve("conv1_2");
        var shape = network.OutputShapes(2, 5, 5, [layer])[layer.Index];
        var objectives = ObjectiveBuilder.Build(network, Objective.Channel("conv1_2", 1) - 3 * Objective.Channel("conv1_2", 0).At(1), 2, 5, 5);
        var activation = new float[shape.Aggregate(1, (a, b) => a * b)];
        var item = activation.Length / 2;
        for (var i = 0; i < activation.Length; i++) activation[i] = (i % item / 25) switch { 0 => 2f, 1 => 7f, _ => 100f };
        using var tensor = Tensor.FromArray(fixture.Device, activation, shape);
        // Image 0: mean of channel 1 = 7; image 1: 7 - 3 * 2 = 1. Losses are negated values.
        Assert.Equal([-7f, -1f], Assert.Single(objectives).Loss(tensor), (a, b) => Math.Abs(a - b) < 1e-4);
    }
}
