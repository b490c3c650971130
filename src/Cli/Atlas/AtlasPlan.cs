using System.Text;
using System.Text.Json.Serialization;
using DeepVis.Nets.Files;

namespace DeepVis.Cli.Atlas;

/// <summary>A layer of an atlas: its address, friendly name, folder in the site, width, and the channels asked for (inclusive).</summary>
public sealed record AtlasLayer(string Address, string Name, string Folder, int Width, int First, int Last)
{
    [JsonIgnore]
    public int Count => Last - First + 1;

    /// <summary>A folder name made of the address (<see cref="PathName.Of"/>: imported nodes may hold '/', a hostile file '..').</summary>
    public static string FolderOf(string address) => PathName.Of(address);
}

/// <summary>The channels of one layer that are rendered together.</summary>
public sealed record AtlasBatch(AtlasLayer Layer, IReadOnlyList<int> Channels)
{
    public string Text => $"{Layer.Name} {Channels[0]}-{Channels[^1]}";
}

/// <summary>Slice <see cref="Index"/> (from 0) of <see cref="Count"/> disjoint slices of an atlas's batches.</summary>
public sealed record Shard(int Index, int Count)
{
    [JsonIgnore]
    public string Text => $"{Index}/{Count}";

    /// <summary>"i/n" with 0 &lt;= i &lt; n (a Slurm array or Kubernetes Indexed Job index is i), given as <paramref name="option"/>.</summary>
    public static Shard Parse(string text, string option = "--shard")
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], out var index) || !int.TryParse(parts[1], out var count))
            throw new UserException($"{option} must be I/N (slice I of N, I from 0), got '{text}'");
        if (count < 1 || index < 0 || index >= count)
            throw new UserException($"{option} {text}: the index must lie in 0 to N-1 and N be at least 1");
        return new Shard(index, count);
    }
}

/// <summary>
/// Which channels an atlas renders together and which a shard renders. Batches are aligned to the batch
/// size within each layer (channels 0-15, 16-31, ... for batches of 16) whatever range is asked for, and
/// shards take whole batches, so every channel is rendered in the same batch by a single run and by any
/// sharding of it.
/// </summary>
public static class AtlasPlan
{
    /// <summary>Every layer's channels in batches: channel c goes to batch c / size of its layer.</summary>
    public static IReadOnlyList<AtlasBatch> Batches(IReadOnlyList<AtlasLayer> layers, int size) =>
        [.. layers.SelectMany(layer => Enumerable.Range(layer.First, layer.Count)
            .GroupBy(c => c / size)
            .Select(group => new AtlasBatch(layer, [.. group])))];

    /// <summary>The shard's contiguous slice of the batches: as even as whole batches allow.</summary>
    public static IReadOnlyList<AtlasBatch> Slice(IReadOnlyList<AtlasBatch> batches, Shard shard)
    {
        var (from, to) = (batches.Count * shard.Index / shard.Count, batches.Count * (shard.Index + 1) / shard.Count);
        return [.. batches.Skip(from).Take(to - from)];
    }

    /// <summary>"A-B" or "A" (inclusive, from 0); null when not given, the whole layer.</summary>
    public static (int First, int Last)? ParseChannels(string text)
    {
        var parts = text.Split('-');
        if (parts.Length > 2 || !int.TryParse(parts[0], out var first) || !int.TryParse(parts[^1], out var last) || first < 0 || last < first
            || last > Limits.MaxChannel)
            throw new UserException($"--channels must be A-B or A, whole numbers with 0 <= A <= B <= {Limits.MaxChannel}, got '{text}'");
        return (first, last);
    }

    /// <summary>
    /// The seed of a channel's render: FNV-1a (32 bits, the sign bit cleared to make a --seed) of model name,
    /// layer address and channel; unlike string.GetHashCode, the same in every process and on every machine.
    /// </summary>
    public static int Seed(string model, string address, int channel)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes($"{model}\n{address}\n{channel}"))
            hash = (hash ^ b) * 16777619u;
        return (int)(hash & 0x7FFFFFFF);
    }
}
