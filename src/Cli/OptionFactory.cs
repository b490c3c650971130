using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace DeepVis.Cli;

/// <summary>
/// An interval of numbers an option accepts: finite, above or from <see cref="Min"/>, below or up to
/// <see cref="Max"/> (infinity for none).
/// </summary>
public readonly record struct NumberRange(double Min, double Max, bool MinOpen = false, bool MaxOpen = false)
{
    /// <summary>Above 0 and at most <paramref name="max"/>.</summary>
    public static NumberRange Positive(double max = double.PositiveInfinity) => new(0, max, MinOpen: true);

    /// <summary>From <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static NumberRange From(double min, double max = double.PositiveInfinity) => new(min, max);

    public bool Contains(double value) =>
        double.IsFinite(value) && (MinOpen ? value > Min : value >= Min) && (MaxOpen ? value < Max : value <= Max);

    /// <summary>The range in words, e.g. "from 0 to 255", "above 0", "of at least 0 and below 1".</summary>
    public string Text =>
        !MinOpen && !MaxOpen && double.IsFinite(Max) ? $"from {Number(Min)} to {Number(Max)}"
        : (MinOpen ? $"above {Number(Min)}" : $"of at least {Number(Min)}")
          + (double.IsPositiveInfinity(Max) ? "" : MaxOpen ? $" and below {Number(Max)}" : $" and at most {Number(Max)}");

    private static string Number(double v) => v.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The shapes of option the verbs share, each checked by System.CommandLine while it parses: a value
/// outside its range is a one-line parse error naming the option, the value and the range, before any
/// verb runs. The range is said in the option's help; System.CommandLine adds the default.
/// </summary>
public static class OptionFactory
{
    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> with a default.</summary>
    public static Option<int> Int(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = $"{description} ({min} to {max})",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ParseInt(r, name, min, max),
    };

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, null when not given.</summary>
    public static Option<int?> OptionalInt(string name, string description, int min, int max) => new(name)
    {
        Description = $"{description} ({min} to {max})",
        CustomParser = r => ParseInt(r, name, min, max),
    };

    /// <summary>A number in <paramref name="range"/> with a default.</summary>
    public static Option<float> Float(string name, string description, NumberRange range, float defaultValue) => new(name)
    {
        Description = $"{description} ({range.Text})",
        DefaultValueFactory = _ => defaultValue,
        CustomParser = r => ParseFloat(r, name, range),
    };

    /// <summary>A number in <paramref name="range"/>, null when not given.</summary>
    public static Option<float?> OptionalFloat(string name, string description, NumberRange range) => new(name)
    {
        Description = $"{description} ({range.Text})",
        CustomParser = r => ParseFloat(r, name, range),
    };

    /// <summary>An image size: H (square) or H,W, each side 1 to <see cref="Limits.MaxSize"/> pixels; null when not given.</summary>
    public static Option<(int Height, int Width)?> Size(string name, string description) => new(name)
    {
        Description = $"{description} (each side 1 to {Limits.MaxSize})",
        HelpName = "H[,W]",
        CustomParser = r =>
        {
            var text = r.Tokens[0].Value;
            var sides = text.Split(',').Select(p => int.TryParse(p.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : 0).ToArray();
            if (sides.Length <= 2 && sides.All(v => v is >= 1 and <= Limits.MaxSize)) return (sides[0], sides[^1]);
            r.AddError($"{name} must be H or H,W in whole pixels, each 1 to {Limits.MaxSize}, got '{text}'");
            return null;
        },
    };

    /// <summary>One of <paramref name="values"/> (any case), null when not given.</summary>
    public static Option<string?> OptionalChoice(string name, string description, params string[] values)
    {
        var option = new Option<string?>(name) { Description = description };
        option.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, values);
        return option;
    }

    /// <summary>One of <paramref name="values"/> (any case) with a default.</summary>
    public static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        option.AcceptOnlyFromAmong(StringComparer.OrdinalIgnoreCase, values);
        return option;
    }

    /// <summary>
    /// A value written in a small language of its own (a transform list, a blur schedule, a channel
    /// range), read by <paramref name="parse"/> while the command line is parsed; the default of
    /// <typeparamref name="T"/> (null for a reference or nullable type) when not given.
    /// </summary>
    /// <param name="parse">Reads the text; throws a <see cref="DeepVisException"/> naming what is wrong.</param>
    public static Option<T> Parsed<T>(string name, string description, string helpName, Func<string, T> parse) => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = r =>
        {
            // A parse error is System.CommandLine's to report (one line with the others, the option named), so the reader's refusal becomes one.
            try
            {
                return parse(r.Tokens[0].Value);
            }
            catch (DeepVisException e)
            {
                r.AddError(e.Message);
                return default!;
            }
        },
    };

    /// <summary>
    /// Refuses, while parsing, a command line that gives both <paramref name="first"/> and <paramref name="second"/>,
    /// or, when <paramref name="oneRequired"/>, neither.
    /// </summary>
    public static void Exclusive(Command command, Option first, Option second, bool oneRequired = false) =>
        command.Validators.Add(r =>
        {
            var (a, b) = (Given(r, first), Given(r, second));
            if (a && b) r.AddError($"give {first.Name} or {second.Name}, not both");
            else if (oneRequired && !a && !b) r.AddError($"give one of {first.Name} or {second.Name}");
        });

    /// <summary>Refuses, while parsing, any of <paramref name="refinements"/> given without the switch <paramref name="on"/> they refine: not silently ignored.</summary>
    public static void Needs(Command command, Option<bool> on, params Option[] refinements) =>
        command.Validators.Add(r =>
        {
            if (r.GetValue(on)) return;
            if (refinements.FirstOrDefault(o => Given(r, o)) is { } stray) r.AddError($"{stray.Name} needs {on.Name}");
        });

    private static bool Given(CommandResult result, Option option) => result.GetResult(option) is { Implicit: false };

    /// <summary>
    /// The value of a collection-valued option when the command line gives it, else null (System.CommandLine
    /// answers an empty collection for one not given, which would read as "none" rather than "the default").
    /// </summary>
    public static T? GivenValue<T>(this ParseResult result, Option<T> option) where T : class =>
        result.GetResult(option) is null ? null : result.GetValue(option);

    private static int ParseInt(ArgumentResult r, string name, int min, int max)
    {
        var text = r.Tokens[0].Value;
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && v >= min && v <= max) return v;
        r.AddError($"{name} must be a whole number from {min} to {max}, got '{text}'");
        return 0;
    }

    private static float ParseFloat(ArgumentResult r, string name, NumberRange range)
    {
        var text = r.Tokens[0].Value;
        if (float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && range.Contains(v)) return v;
        r.AddError($"{name} must be a number {range.Text}, got '{text}'");
        return 0;
    }
}
