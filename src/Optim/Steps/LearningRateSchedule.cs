namespace DeepVis.Optim.Steps;

/// <summary>How a learning rate changes over a run.</summary>
public enum ScheduleKind
{
    Constant,

    /// <summary>Half a cosine from the rate down to 0 over the run (PyTorch's CosineAnnealingLR with T_max = the iterations).</summary>
    Cosine,

    /// <summary>The rate times a factor every so many steps (PyTorch's StepLR).</summary>
    Step,
}

/// <summary>
/// A learning rate as a function of the step: <see cref="At"/> gives the rate of step s (from 0) of a
/// run of n steps. Text form: <c>constant</c>, <c>cosine</c>, <c>step:EVERY:FACTOR</c> (see <see cref="Parse"/>).
/// </summary>
public readonly record struct LearningRateSchedule(float Rate, ScheduleKind Kind = ScheduleKind.Constant, int Every = 1, float Factor = 1f)
{
    public static LearningRateSchedule Constant(float rate) => new(rate);

    public static LearningRateSchedule Cosine(float rate) => new(rate, ScheduleKind.Cosine);

    public static LearningRateSchedule Stepped(float rate, int every, float factor) => new(rate, ScheduleKind.Step, every, factor);

    public float At(int step, int iterations) => Kind switch
    {
        ScheduleKind.Cosine => Rate * 0.5f * (1 + MathF.Cos(MathF.PI * step / Math.Max(iterations, 1))),
        ScheduleKind.Step => Rate * MathF.Pow(Factor, step / Every),
        _ => Rate,
    };

    /// <summary>The first thing wrong with this schedule, or null.</summary>
    public string? Problem()
    {
        if (!(Rate > 0f) || !float.IsFinite(Rate)) return $"learning rate must be a positive number, got {Rate}";
        if (Kind == ScheduleKind.Step && Every < 1) return $"a step schedule needs an interval of at least 1 step, got {Every}";
        if (Kind == ScheduleKind.Step && !(Factor > 0f && float.IsFinite(Factor))) return $"a step schedule needs a positive factor, got {Factor}";
        return null;
    }

    /// <summary>"constant", "cosine" or "step:EVERY:FACTOR" (e.g. step:100:0.1) with <paramref name="rate"/>; null when the text is none of them.</summary>
    public static LearningRateSchedule? Parse(string text, float rate)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        return parts switch
        {
            ["constant"] => Constant(rate),
            ["cosine"] => Cosine(rate),
            ["step", var every, var factor] when int.TryParse(every, out var e) &&
                float.TryParse(factor, System.Globalization.CultureInfo.InvariantCulture, out var f) => Stepped(rate, e, f),
            _ => null,
        };
    }

    public override string ToString() => Kind switch
    {
        ScheduleKind.Cosine => "cosine",
        ScheduleKind.Step => FormattableString.Invariant($"step:{Every}:{Factor}"),
        _ => "constant",
    };
}
