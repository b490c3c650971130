using System.CommandLine;
using DeepVis.Nets.Files;

namespace DeepVis.Cli.Atlas;

/// <summary>
/// <c>deepvis atlas merge SITE... --out SITE</c>: the shards of one atlas (the same plan) assembled into
/// one site: every channel's files copied once, one manifest, the pages written again. Sites of another
/// model, layers, settings or examples are refused.
/// </summary>
public static class AtlasMerge
{
    public static Command Create(TextWriter output)
    {
        var sites = new Argument<string[]>("sites") { Description = "the shards' folders (or any atlases of the same plan)", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string>("--out") { Description = "the merged site's folder: new, empty, or an atlas of the same plan", Required = true };
        var command = new Command("merge", "Merge the folders of an atlas's shards into one site.") { sites, outDir };
        command.SetAction(result =>
        {
            Merge(result.GetValue(sites)!, result.GetValue(outDir)!, output);
            return 0;
        });
        return command;
    }

    public static AtlasManifest Merge(IReadOnlyList<string> sites, string target, TextWriter output)
    {
        var full = Path.GetFullPath(target);
        if (sites.Any(s => Path.GetFullPath(s) == full)) throw new UserException($"--out '{target}' is one of the sites to merge: choose another folder");
        var manifests = sites.Select(site => Directory.Exists(site)
            ? AtlasManifest.Find(site) ?? throw new UserException($"'{site}' is not an atlas (it has no {AtlasManifest.FileName})")
            : throw new UserException($"atlas '{site}' does not exist")).ToList();
        var first = manifests[0];
        for (var i = 1; i < manifests.Count; i++)
            if (first.PlanDifference(manifests[i]) is { } difference)
                throw new UserException($"'{sites[i]}' and '{sites[0]}' are not parts of one atlas: {difference}");
        var existing = AtlasManifest.Existing(target);
        if (existing?.PlanDifference(first) is { } other) throw new UserException($"'{target}' holds an atlas of another plan: {other}");
        Directory.CreateDirectory(target);

        var channels = new List<AtlasChannel>(existing?.Channels ?? []);
        var have = channels.Select(c => (c.Layer, c.Channel)).ToHashSet();
        for (var i = 0; i < sites.Count; i++)
        {
            foreach (var channel in manifests[i].Channels.Where(c => have.Add((c.Layer, c.Channel))))
            {
                Copy(sites[i], target, channel.Image);
                channels.Add(channel);
            }
        }
        var merged = (first with { Shard = null, ExamplesShard = null }).WithChannels(channels);
        if (first.Examples is { } examples) MergeExamples(sites, target, merged, examples);
        merged.Save(target);
        AtlasSite.Write(merged, target);
        output.WriteLine($"merged {sites.Count} site{(sites.Count == 1 ? "" : "s")} into {target}: {merged.Channels.Count} of {merged.ChannelCount} channels" +
            (merged.Channels.Count < merged.ChannelCount ? $"; {merged.ChannelCount - merged.Channels.Count} not rendered yet (a shard missing?)" : ""));
        return merged;
    }

    /// <summary>
    /// The sites' example states as one in the target: shards of the channels hold the same whole pass
    /// (its files are copied from the first), shards of the images disjoint parts, added exactly (their
    /// files are written by running the atlas again on the target).
    /// </summary>
    private static void MergeExamples(IReadOnlyList<string> sites, string target, AtlasManifest merged, AtlasExamples examples)
    {
        var parts = sites.Select((site, i) => (Site: site, State: ExampleState.Find(site))).Where(p => p.State is not null).ToList();
        if (parts.Count == 0) return;
        var state = ExampleState.Merge([.. parts.Select(p => p.State!)], examples.Top, () => string.Join(", ", parts.Select(p => $"'{p.Site}'")));
        if (state.FilesWritten)
        {
            var from = parts.First(p => ReferenceEquals(p.State, state)).Site;
            foreach (var file in ExamplePass.Files(merged, state)) Copy(from, target, file);
        }
        state.Save(target);
    }

    private static void Copy(string site, string target, string file)
    {
        var from = Path.Combine(site, file);
        var to = Path.Combine(target, file);
        // A manifest names files inside its site; one that points elsewhere (links followed) is not copied from or to.
        if (!RealPath.IsInside(RealPath.Of(from), RealPath.Of(site)) || !RealPath.IsInside(RealPath.Of(to), RealPath.Of(target)))
            throw new UserException($"atlas '{site}' lists {FileText.Escape(file)}, which lies outside it");
        if (!File.Exists(from)) throw new UserException($"atlas '{site}' lists {FileText.Escape(file)}, which is missing");
        OutputFile.CreateFolder(Path.GetDirectoryName(to)!);
        OutputFile.Write(to, stream =>
        {
            using var source = File.OpenRead(from);
            source.CopyTo(stream);
        });
    }
}
