using System.Text.Json;
using System.Text.Json.Serialization;
using DeepVis.Nets.Files;

namespace DeepVis.Cli.Atlas;

/// <summary>One of a channel's top images: its index in the example source, its largest activation and where (in the layer's output).</summary>
public sealed record ExampleHit(int Image, float Activation, int Y, int X)
{
    /// <summary>Larger activation first; between equal ones the smaller image index, so every split of the images ranks alike.</summary>
    public bool Before(ExampleHit other) => Activation > other.Activation || (Activation == other.Activation && Image < other.Image);
}

/// <summary>
/// What the example pass keeps of one channel, whatever the number of images: its top images, the sum of
/// its response (each image's sum over positions, rounded to <see cref="SumScale"/> and added as a whole
/// number, so that sums of any split of the images add up to the same bits) and a histogram of each
/// image's largest activation over fixed bins (<see cref="Bin"/>).
/// </summary>
public sealed class ChannelResponse
{
    /// <summary>The fixed-point scale of <see cref="Sum"/>: 2^32 units per activation unit.</summary>
    public const double SumScale = 4294967296.0;

    /// <summary>Histogram bins: one for 0 and below, one for (0, 2^-8), four per octave from 2^-8 to 2^12, one for 2^12 and above.</summary>
    public const int Bins = 1 + 1 + 4 * 20 + 1;

    private const int LowestOctave = -8;

    public required string Layer { get; init; }
    public required int Channel { get; init; }
    public List<ExampleHit> Top { get; init; } = [];
    public Int128 Sum { get; set; }
    public long Images { get; set; }
    public long Positions { get; set; }
    public long[] Histogram { get; init; } = new long[Bins];

    /// <summary>The mean activation over every position of every image seen.</summary>
    [JsonIgnore]
    public double Mean => Positions == 0 ? 0 : (double)Sum / SumScale / Positions;

    /// <summary>Counts one image: its activation map's largest value and where, and the map's sum; keeps it when it ranks among the top <paramref name="k"/>.</summary>
    public void Add(ExampleHit hit, double sum, int positions, int k)
    {
        Images++;
        Positions += positions;
        if (double.IsFinite(sum)) Sum += (Int128)Math.Round(Math.Clamp(sum * SumScale, -1e28, 1e28));
        Histogram[Bin(hit.Activation)]++;
        if (float.IsNaN(hit.Activation)) return;
        Offer(hit, k);
    }

    private void Offer(ExampleHit hit, int k)
    {
        if (Top.Count == k && !hit.Before(Top[^1])) return;
        var at = Top.FindIndex(hit.Before);
        Top.Insert(at < 0 ? Top.Count : at, hit);
        if (Top.Count > k) Top.RemoveAt(k);
    }

    /// <summary>Adds another part of the images (disjoint from this one's).</summary>
    public void Merge(ChannelResponse other, int k)
    {
        Images += other.Images;
        Positions += other.Positions;
        Sum += other.Sum;
        for (var b = 0; b < Bins; b++) Histogram[b] += other.Histogram[b];
        foreach (var hit in other.Top) Offer(hit, k);
    }

    /// <summary>
    /// The bin of a value, from its bits (the same on every machine): 0 for 0 and below (and NaN), 1 below
    /// 2^-8, then the octave and the top two bits of the mantissa up to 2^12, the last bin above.
    /// </summary>
    public static int Bin(float value)
    {
        if (!(value > 0)) return 0;
        var bits = BitConverter.SingleToInt32Bits(value);
        var octave = ((bits >> 23) & 0xff) - 127;
        if (octave < LowestOctave) return 1;
        if (octave >= LowestOctave + 20) return Bins - 1;
        return 2 + 4 * (octave - LowestOctave) + ((bits >> 21) & 3);
    }

    /// <summary>The lower edge of a bin (0 for the first two).</summary>
    public static double LowerEdge(int bin) => bin < 2 ? 0 : bin == Bins - 1 ? Math.Pow(2, LowestOctave + 20)
        : Math.Pow(2, LowestOctave + (bin - 2) / 4) * (1 + (bin - 2) % 4 / 4.0);
}

/// <summary>An image the pass could not read: its index and name.</summary>
public sealed record SkippedImage(int Index, string Name);

/// <summary>A range of the example pass's batches, [From, To).</summary>
public sealed record BatchRange(int From, int To);

/// <summary>
/// examples.json beside an atlas's manifest: the example pass's state, the checkpoint a rerun resumes
/// from and what shards merge. Its size is bounded by top images x channels, whatever the number of
/// images; the plan it belongs to is the manifest's.
/// </summary>
public sealed class ExampleState
{
    public const string FileName = "examples.json";
    public const string FormatName = "deepvis-atlas-examples";
    public const int CurrentVersion = 1;

    /// <summary>How many unreadable images are named in the summary.</summary>
    public const int NamedSkips = 5;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string Format { get; init; } = FormatName;
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The batches counted so far, in order and disjoint.</summary>
    public List<BatchRange> Covered { get; init; } = [];

    public int Skipped { get; set; }

    /// <summary>The first unreadable images, by index (at most <see cref="NamedSkips"/>).</summary>
    public List<SkippedImage> FirstSkipped { get; init; } = [];

    /// <summary>Whether the crops, maps and thumbnails of the top images are written (once every batch is counted).</summary>
    public bool FilesWritten { get; set; }

    public List<ChannelResponse> Channels { get; init; } = [];

    /// <summary>No image counted yet, a response per channel of the plan's layers.</summary>
    public static ExampleState Empty(IReadOnlyList<AtlasLayer> layers) => new()
    {
        Channels = [.. layers.SelectMany(l => Enumerable.Range(l.First, l.Count).Select(c => new ChannelResponse { Layer = l.Address, Channel = c }))],
    };

    public static string PathIn(string site) => Path.Combine(site, FileName);

    /// <summary>The state in the site, null when there is none; one that cannot be read is a one-line error.</summary>
    public static ExampleState? Find(string site)
    {
        var path = PathIn(site);
        if (!File.Exists(path)) return null;
        try
        {
            if (JsonSerializer.Deserialize<ExampleState>(File.ReadAllText(path), Json) is { Format: FormatName, Version: CurrentVersion } state
                && state.Channels.All(c => c.Histogram.Length == ChannelResponse.Bins))
                return state;
        }
        catch (JsonException)
        {
        }
        throw new UserException($"'{path}' is not a version {CurrentVersion} DeepVis atlas example state");
    }

    public void Save(string site) => OutputFile.WriteText(PathIn(site), JsonSerializer.Serialize(this, Json));

    /// <summary>Whether the batches counted are exactly [0, <paramref name="batches"/>).</summary>
    public bool Covers(int batches) => Covered is [{ From: 0 } only] && only.To == batches;

    /// <summary>Whether batch <paramref name="batch"/> is counted.</summary>
    public bool Counted(int batch) => Covered.Any(r => r.From <= batch && batch < r.To);

    /// <summary>Records that a batch (not counted yet) is counted.</summary>
    public void Count(int batch)
    {
        Covered.Add(new BatchRange(batch, batch + 1));
        Covered.Sort((a, b) => a.From.CompareTo(b.From));
        // Neighbouring ranges become one, so that any order of counting leaves the same list.
        for (var i = Covered.Count - 1; i > 0; i--)
            if (Covered[i - 1].To == Covered[i].From)
            {
                Covered[i - 1] = Covered[i - 1] with { To = Covered[i].To };
                Covered.RemoveAt(i);
            }
    }

    public void Skip(int index, string name)
    {
        Skipped++;
        AddSkipped([new SkippedImage(index, name)]);
    }

    private void AddSkipped(IEnumerable<SkippedImage> skipped)
    {
        var first = FirstSkipped.Concat(skipped).OrderBy(s => s.Index).Take(NamedSkips).ToList();
        FirstSkipped.Clear();
        FirstSkipped.AddRange(first);
    }

    /// <summary>
    /// The states of parts of one pass as one: states that counted the same batches (shards of the
    /// channels, each with the whole pass) count once; the others must have counted disjoint batches.
    /// The result is the same bits as one run over the union, since each channel's parts add exactly.
    /// </summary>
    public static ExampleState Merge(IReadOnlyList<ExampleState> states, int k, Func<string> describe)
    {
        var distinct = states.DistinctBy(s => string.Join(",", s.Covered.Select(r => $"{r.From}-{r.To}"))).ToList();
        if (distinct.Count == 1) return distinct[0];
        var merged = Empty([]);
        merged.Channels.AddRange(distinct[0].Channels.Select(c => new ChannelResponse { Layer = c.Layer, Channel = c.Channel }));
        foreach (var state in distinct)
        {
            if (state.Covered.Any(r => Enumerable.Range(r.From, r.To - r.From).Any(merged.Counted)))
                throw new UserException($"{describe()}: their example passes overlap (batches {string.Join(", ", state.Covered.Select(r => $"{r.From}-{r.To - 1}"))} counted twice)");
            foreach (var r in state.Covered)
                for (var b = r.From; b < r.To; b++) merged.Count(b);
            merged.Skipped += state.Skipped;
            merged.AddSkipped(state.FirstSkipped);
            for (var c = 0; c < merged.Channels.Count; c++) merged.Channels[c].Merge(state.Channels[c], k);
        }
        return merged;
    }

    /// <summary>The number of top images kept in all: at most k x channels, whatever the number of images.</summary>
    [JsonIgnore]
    public int Retained => Channels.Sum(c => c.Top.Count);
}
