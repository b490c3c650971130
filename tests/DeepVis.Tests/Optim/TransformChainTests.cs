using DeepVis.Optim.Transforms;

namespace DeepVis.Tests.Optim;

public sealed class TransformChainTests
{
    [Fact]
    public void Standard_is_lucids_standard_transforms()
    {
        var standard = TransformChain.Standard.Transforms;
        Assert.Equal(new Transform.Pad(12), standard[0]);
        Assert.Equal(new Transform.Jitter(8), standard[1]);
        Assert.Equal([0.9, 0.92, 0.94, 0.96, 0.98, 1, 1.02, 1.04, 1.06, 1.08, 1.1], ((Transform.Scale)standard[2]).Factors, (a, b) => Math.Abs(a - b) < 1e-12);
        Assert.Equal(Enumerable.Range(-10, 21).Select(d => (double)d), ((Transform.Rotate)standard[3]).Degrees);
        Assert.Equal(new Transform.Jitter(4), standard[4]);
        Assert.Equal("pad:12,jitter:8,scale:0.9-1.1,rotate:10,jitter:4", TransformChain.Standard.Text);
    }

    [Fact]
    public void Text_parses_back_to_the_same_transforms()
    {
        foreach (var text in new[] { "pad:12,jitter:8,scale:0.9-1.1,rotate:10,jitter:4", "scale:0.5/2,rotate:-5/7,shift:3/-1" })
        {
            var chain = TransformChain.Parse(text);
            Assert.Equal(text, chain.Text);
            var again = TransformChain.Parse(chain.Text);
            Assert.Equal(chain.Draw(30, 30, new Random(2)), again.Draw(30, 30, new Random(2)));
        }
    }

    [Fact]
    public void Pad_then_crop_back_is_the_identity()
    {
        var map = TransformChain.Parse("pad:12").Draw(30, 20, new Random(1));
        Assert.Equal(AffineMap.Identity, map);
    }

    [Fact]
    public void Jitter_shifts_by_at_most_its_size_and_crop_or_pad_centres()
    {
        var offsets = new HashSet<(double, double)>();
        for (var seed = 0; seed < 200; seed++)
        {
            var map = TransformChain.Parse("jitter:4").Draw(20, 20, new Random(seed));
            Assert.Equal((1.0, 0.0, 0.0, 1.0), (map.A0, map.A1, map.A3, map.A4));
            // A 16-pixel crop padded back to 20 starts 2 pixels early.
            offsets.Add((map.A2 + 2, map.A5 + 2));
        }
        Assert.Equal(25, offsets.Count);
        Assert.All(offsets, o => Assert.True(o.Item1 is >= 0 and <= 4 && o.Item2 is >= 0 and <= 4, $"offset {o}"));
    }

    [Fact]
    public void Rotation_keeps_the_centre_and_turns_by_the_angle()
    {
        var map = TransformChain.Parse("rotate:90/90").Draw(11, 11, new Random(1));
        var (cx, cy) = map.Apply(5, 5);
        Assert.Equal(5, cx, 9);
        Assert.Equal(5, cy, 9);
        var (x, y) = map.Apply(6, 5);
        Assert.Equal(5, x, 9);
        Assert.Equal(6, y, 9);
    }

    [Fact]
    public void Scale_keeps_the_centre_and_the_output_size()
    {
        var map = TransformChain.Parse("scale:0.5/0.5").Draw(20, 20, new Random(1));
        // 20 -> 10 pixels, padded back to 20: the centre stays and a step of one pixel reads two.
        var (x, y) = map.Apply(9.5, 9.5);
        Assert.Equal(9.5, x, 9);
        Assert.Equal(9.5, y, 9);
        Assert.Equal(2, map.A0, 9);
    }

    [Fact]
    public void Shift_moves_the_content()
    {
        var map = TransformChain.Parse("shift:8/-2").Draw(20, 20, new Random(1));
        Assert.Equal((2.0, 7.0), map.Apply(10, 5));
    }

    [Theory]
    [InlineData("shift:3", "a shift is X/Y")]
    [InlineData("pad", "needs a value")]
    [InlineData("pad:x", "'x' is not a whole number")]
    [InlineData("spin:3", "unknown transform 'spin'")]
    [InlineData("scale:1.2-0.8", "backwards")]
    [InlineData("jitter:-1", "is not a whole number")]
    [InlineData("jitter:100000", "transform 'jitter:100000': '100000' is not a whole number from 0 to 1024")]
    [InlineData("pad:2000", "'2000' is not a whole number from 0 to 1024")]
    [InlineData("rotate:500", "'500' is not a whole number from 0 to 180")]
    [InlineData("rotate:1/400", "'400' is not a number from -180 to 180")]
    [InlineData("shift:5000/0", "'5000' is not a whole number from -1024 to 1024")]
    [InlineData("scale:0.5-50", "'50' is not a number from 0.1 to 10")]
    public void Bad_lists_say_what_is_wrong(string text, string message)
    {
        var ex = Assert.Throws<SettingsException>(() => TransformChain.Parse(text));
        Assert.Contains(message, ex.Message);
    }

    [Theory]
    [InlineData("jitter:100", 28, "transforms jitter:100: a 28x28 image can become empty at jitter:100")]
    [InlineData("jitter:20,jitter:8", 28, "transforms jitter:20,jitter:8: a 28x28 image can become empty at jitter:8")]
    [InlineData("scale:0.1/1,jitter:3", 28, "can become empty at jitter:3")]
    [InlineData("pad:12,jitter:40", 28, null)]
    [InlineData("standard", 28, null)]
    public void A_chain_that_can_empty_the_image_is_refused_before_it_is_drawn(string text, int size, string? message)
    {
        var chain = TransformChain.Parse(text);
        Assert.Equal(message is null, chain.Problem(size, size) is null);
        if (message is not null) Assert.Contains(message, chain.Problem(size, size));
        if (message is not null) Assert.Contains(message, Assert.Throws<SettingsException>(() => Enumerable.Range(0, 50).Select(s => chain.Draw(size, size, new Random(s))).ToList()).Message);
        else for (var seed = 0; seed < 50; seed++) chain.Draw(size, size, new Random(seed));
    }
}
