using DeepVis.Optim.Steps;

namespace DeepVis.Tests.Optim;

/// <summary>The learning-rate schedules: their values over a run, their text form and what is out of range.</summary>
public sealed class LearningRateScheduleTests
{
    [Fact]
    public void Cosine_falls_from_the_rate_to_zero_over_the_run()
    {
        var cosine = LearningRateSchedule.Cosine(0.05f);
        Assert.Equal(0.05f, cosine.At(0, 200));
        Assert.Equal(0.025f, cosine.At(100, 200), 6);
        Assert.Equal(0.05 * 0.5 * (1 + Math.Cos(Math.PI * 150 / 200)), cosine.At(150, 200), 6);
        var rates = Enumerable.Range(0, 200).Select(s => cosine.At(s, 200)).ToList();
        Assert.True(rates.Zip(rates.Skip(1)).All(p => p.Second < p.First), "cosine rates must fall at every step");
        Assert.True(rates[^1] is > 0f and < 1e-5f, $"last rate {rates[^1]}");
    }

    [Fact]
    public void Step_multiplies_by_the_factor_every_interval_and_constant_stays()
    {
        var stepped = LearningRateSchedule.Stepped(1f, 100, 0.1f);
        Assert.Equal([1f, 1f, 0.1f, 0.1f, 0.01f], new[] { 0, 99, 100, 199, 200 }.Select(s => stepped.At(s, 300)).Select(r => MathF.Round(r, 6)));
        Assert.All(Enumerable.Range(0, 50), s => Assert.Equal(0.2f, LearningRateSchedule.Constant(0.2f).At(s, 50)));
    }

    [Theory]
    [InlineData("constant", "constant")]
    [InlineData("Cosine", "cosine")]
    [InlineData("step:50:0.5", "step:50:0.5")]
    public void Text_round_trips(string text, string canonical) =>
        Assert.Equal(canonical, LearningRateSchedule.Parse(text, 0.1f)!.Value.ToString());

    [Theory]
    [InlineData("linear")]
    [InlineData("step:50")]
    [InlineData("step:x:0.5")]
    public void Unknown_text_is_null(string text) => Assert.Null(LearningRateSchedule.Parse(text, 0.1f));

    [Fact]
    public void Out_of_range_values_are_named()
    {
        Assert.Null(LearningRateSchedule.Cosine(0.05f).Problem());
        Assert.Contains("learning rate must be a positive number", LearningRateSchedule.Constant(0f).Problem());
        Assert.Contains("interval of at least 1 step, got 0", LearningRateSchedule.Stepped(1f, 0, 0.1f).Problem());
        Assert.Contains("positive factor", LearningRateSchedule.Stepped(1f, 10, -1f).Problem());
    }
}
