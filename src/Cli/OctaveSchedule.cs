using System.Globalization;
using System.Text.Json;
using DeepVis.Optim;

namespace DeepVis.Cli;

/// <summary>
/// Reads --octaves: a list <c>scale:iterations:start_sigma:end_sigma,...</c>, or the path of a JSON
/// file <c>[{"scale": 1.0, "iterations": 100, "start_sigma": 1.0, "end_sigma": 0.3}, ...]</c>.
/// Every mistake is one line naming the entry and what was expected.
/// </summary>
public static class OctaveSchedule
{
    public const float MaxScale = 4f;
    public const int MaxIterations = 100_000;
    public const float MaxSigma = 50f;

    private static readonly string[] Keys = ["scale", "iterations", "start_sigma", "end_sigma"];

    public static IReadOnlyList<Octave> Parse(string text)
    {
        var value = text.Trim();
        return value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(value) ? ReadFile(value) : ParseList(value);
    }

    /// <summary>The list form of a schedule (as --octaves takes it).</summary>
    public static string Format(IEnumerable<Octave> octaves) => string.Join(",", octaves);

    private static List<Octave> ParseList(string text)
    {
        var entries = text.Split(',', StringSplitOptions.TrimEntries);
        var octaves = new List<Octave>();
        for (var e = 0; e < entries.Length; e++)
        {
            var where = $"--octaves entry {e + 1} '{entries[e]}'";
            var parts = entries[e].Split(':', StringSplitOptions.TrimEntries);
            if (parts.Length != 4)
                throw new UserException($"{where}: expected scale:iterations:start_sigma:end_sigma, e.g. 0.5:60:1.0:0.5 (or a .json file)");
            float Number(int i) => float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
                ? v : throw new UserException($"{where}: {Keys[i]} '{parts[i]}' is not a number");
            var iterations = int.TryParse(parts[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n)
                ? n : throw new UserException($"{where}: iterations '{parts[1]}' is not a whole number");
            octaves.Add(Checked(new Octave(Number(0), iterations, Number(2), Number(3)), where));
        }
        return octaves;
    }

    private static List<Octave> ReadFile(string path)
    {
        var where = $"octave schedule '{path}'";
        Options.ExistingFile(path, "octave schedule file");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new UserException($"{where} is not valid JSON: {e.Message.Split('\n')[0]}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UserException($"{where} cannot be read: {e.Message}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Array || root.GetArrayLength() == 0)
                throw new UserException($"{where}: expected a non-empty JSON array of {{\"scale\", \"iterations\", \"start_sigma\", \"end_sigma\"}} objects");
            return [.. root.EnumerateArray().Select((entry, e) => Octave(entry, $"{where} entry {e + 1}"))];
        }
    }

    private static Octave Octave(JsonElement entry, string where)
    {
        if (entry.ValueKind != JsonValueKind.Object) throw new UserException($"{where}: expected an object, got {entry.ValueKind.ToString().ToLowerInvariant()}");
        var unknown = entry.EnumerateObject().Select(p => p.Name).FirstOrDefault(name => !Keys.Contains(name));
        if (unknown is not null) throw new UserException($"{where}: unknown key '{unknown}'; expected {string.Join(", ", Keys)}");
        JsonElement Get(string key) => entry.TryGetProperty(key, out var v) && v.ValueKind == JsonValueKind.Number
            ? v : throw new UserException($"{where}: '{key}' must be given as a number");
        float Number(string key) => Get(key).TryGetSingle(out var v) ? v : throw new UserException($"{where}: '{key}' is out of range");
        var iterations = Get("iterations").TryGetInt32(out var n) ? n : throw new UserException($"{where}: 'iterations' must be a whole number");
        return Checked(new Octave(Number("scale"), iterations, Number("start_sigma"), Number("end_sigma")), where);
    }

    private static Octave Checked(Octave octave, string where)
    {
        if (!(octave.Scale > 0f && octave.Scale <= MaxScale))
            throw new UserException($"{where}: scale must be above 0 and at most {MaxScale}, got {octave.Scale}");
        if (octave.Iterations < 1 || octave.Iterations > MaxIterations)
            throw new UserException($"{where}: iterations must be 1 to {MaxIterations}, got {octave.Iterations}");
        foreach (var (name, sigma) in new[] { ("start_sigma", octave.StartSigma), ("end_sigma", octave.EndSigma) })
            if (!(sigma >= 0f && sigma <= MaxSigma))
                throw new UserException($"{where}: {name} must be 0 to {MaxSigma} pixels, got {sigma}");
        return octave;
    }
}
