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
/// The shape of a learning rate over a run, apart from the rate itself: <see cref="Multiplier"/> is what
/// step s (from 0) of a run of n steps multiplies the rate by. Text form: <c>constant</c>, <c>cosine</c>,
/// <c>step:EVERY:FACTOR</c> (see <see cref="Parse"/>).
/// </summary>
public readonly record struct LearningRateSchedule(ScheduleKind Kind = ScheduleKind.Constant, int Every = 1, float Factor = 1f)
{
    public static readonly LearningRateSchedule Constant = new();

    public static readonly LearningRateSchedule Cosine = new(ScheduleKind.Cosine);

    public static LearningRateSchedule Stepped(int every, float factor) => new(ScheduleKind.Step, every, factor);

    public float Multiplier(int step, int iterations) => Kind switch
    {
        ScheduleKind.Cosine => 0.5f * (1 + MathF.Cos(MathF.PI * step / Math.Max(iterations, 1))),
        ScheduleKind.Step => MathF.Pow(Factor, step / Every),
        _ => 1f,
    };

    /// <summary>The first thing wrong with this schedule, or null.</summary>
    public string? Problem()
    {
        if (Kind == ScheduleKind.Step && Every < 1) return $"a step schedule needs an interval of at least 1 step, got {Every}";
        if (Kind == ScheduleKind.Step && !(Factor > 0f && float.IsFinite(Factor))) return $"a step schedule needs a positive factor, got {Factor}";
        return null;
    }

    /// <summary>"constant", "cosine" or "step:EVERY:FACTOR" (e.g. step:100:0.1); null when the text is none of them.</summary>
    public static LearningRateSchedule? Parse(string text)
    {
        var parts = text.Trim().ToLowerInvariant().Split(':');
        return parts switch
        {
            ["constant"] => Constant,
            ["cosine"] => Cosine,
            ["step", var every, var factor] when int.TryParse(every, out var e) &&
                float.TryParse(factor, System.Globalization.CultureInfo.InvariantCulture, out var f) => Stepped(e, f),
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
