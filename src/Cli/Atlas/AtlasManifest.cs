using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace DeepVis.Cli.Atlas;

/// <summary>
/// The model an atlas shows: its name (the weights file's, which seeds the channels), architecture, input
/// channels, and the SHA-256 of its weights file, which tells two models apart; <see cref="Weights"/> is
/// what --weights said (null for the embedded model), for 'deepvis serve' to load it again.
/// </summary>
public sealed record AtlasModel(string Name, string Arch, int Channels, string Sha256, string? Weights)
{
    /// <summary>The model --weights names (null: the embedded one), loaded as <paramref name="network"/>.</summary>
    public static AtlasModel Of(string? weights, Nets.Network network)
    {
        var path = weights is null ? null : Model.WeightsPath(weights);
        using var stream = path is null ? DefaultModel.Open() : File.OpenRead(path);
        return new AtlasModel(Path.GetFileNameWithoutExtension(path ?? DefaultModel.ResourceName), network.Info.Arch, network.Info.InputChannels,
            AtlasManifest.Digest(stream), weights);
    }
}

/// <summary>How every channel is rendered: render's defaults (<see cref="Recipe"/>) at this size and number of steps, in batches.</summary>
public sealed record AtlasSettings(int Size, int Steps, int Batch, string Recipe);

/// <summary>
/// The example images: how many of them each channel shows (its top ones), the size the network saw
/// them at, the images per forward pass, how many the source holds and a digest of it, what it is, and
/// --examples as given (for 'deepvis serve'; not part of the plan).
/// </summary>
public sealed record AtlasExamples(int Top, int Size, int Batch, int Count, string Digest, string Source, string? Path);

/// <summary>A rendered channel: its seed, the objective before and after, and its image.</summary>
public sealed record AtlasChannel(string Layer, int Channel, int Seed, float Start, float End, string Image);

/// <summary>
/// atlas.json: what an atlas (or one shard of it) is and which channels it holds. The plan (everything
/// but the channels, the shard and the weights' path) must match for a run to resume it or for shards
/// to be merged. Written after every batch, through a temporary file, so an interrupted run loses at
/// most the batch it was rendering. <see cref="ExamplesShard"/> is the slice of the example images a
/// run counted (<see cref="ExampleState"/> beside it holds what it found).
/// </summary>
public sealed record AtlasManifest(string Format, int Version, AtlasModel Model, AtlasSettings Settings, IReadOnlyList<AtlasLayer> Layers,
    AtlasExamples? Examples, Shard? Shard, IReadOnlyList<AtlasChannel> Channels, Shard? ExamplesShard = null)
{
    public const string FileName = "atlas.json";
    public const string FormatName = "deepvis-atlas";
    public const int CurrentVersion = 2;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [JsonIgnore]
    public int ChannelCount => Layers.Sum(l => l.Count);

    public static string PathIn(string site) => Path.Combine(site, FileName);

    /// <summary>
    /// The manifest of the atlas at <paramref name="site"/>, null when there is none yet (no folder, or an
    /// empty one); a folder that holds anything else is refused, so nothing is ever overwritten.
    /// </summary>
    public static AtlasManifest? Existing(string site)
    {
        if (File.Exists(site)) throw new UserException($"'{site}' is a file, not an atlas folder");
        if (!Directory.Exists(site)) return null;
        return Find(site) ?? (Directory.EnumerateFileSystemEntries(site).Any()
            ? throw new UserException($"'{site}' exists and is not an atlas (it has no {FileName}): choose a new or empty folder; nothing is overwritten")
            : null);
    }

    /// <summary>The site's manifest, or null when the folder holds none; a manifest that cannot be read is a one-line error.</summary>
    public static AtlasManifest? Find(string site)
    {
        var path = PathIn(site);
        if (!File.Exists(path)) return null;
        try
        {
            var manifest = JsonSerializer.Deserialize<AtlasManifest>(File.ReadAllText(path), Json);
            if (manifest?.Format == FormatName && manifest.Version == CurrentVersion && manifest.Layers is not null && manifest.Channels is not null)
                return manifest;
        }
        catch (JsonException)
        {
        }
        throw new UserException($"'{path}' is not a version {CurrentVersion} DeepVis atlas manifest");
    }

    public void Save(string site)
    {
        AtlasSite.Replace(PathIn(site), JsonSerializer.Serialize(this, Json));
    }

    /// <summary>The first part of the plan that differs from <paramref name="other"/>'s (model, settings, layers, examples), or null.</summary>
    public string? PlanDifference(AtlasManifest other)
    {
        (string Part, object? Mine, object? Theirs)[] parts =
        [
            ("model", Model with { Weights = null }, other.Model with { Weights = null }),
            ("settings", Settings, other.Settings),
            ("layers and channels", Layers, other.Layers),
            ("examples", Examples is null ? null : Examples with { Path = null }, other.Examples is null ? null : other.Examples with { Path = null }),
        ];
        foreach (var (part, mine, theirs) in parts)
        {
            var (a, b) = (JsonSerializer.Serialize(mine, Json), JsonSerializer.Serialize(theirs, Json));
            if (a != b) return $"{part} differ: {Brief(a)} vs {Brief(b)}";
        }
        return null;
    }

    private static string Brief(string json)
    {
        var line = string.Join(" ", json.Split('\n', StringSplitOptions.TrimEntries));
        return line.Length <= 160 ? line : line[..157] + "...";
    }

    /// <summary>The channels, each once, in the order of the layers and then by channel.</summary>
    public AtlasManifest WithChannels(IEnumerable<AtlasChannel> channels)
    {
        var order = Layers.Select((l, i) => (l.Address, i)).ToDictionary(p => p.Address, p => p.i);
        return this with
        {
            Channels = [.. channels.DistinctBy(c => (c.Layer, c.Channel)).OrderBy(c => order[c.Layer]).ThenBy(c => c.Channel)],
        };
    }

    /// <summary>The first 16 hex digits of the SHA-256 of a stream.</summary>
    public static string Digest(Stream stream) => Convert.ToHexStringLower(SHA256.HashData(stream))[..16];
}
