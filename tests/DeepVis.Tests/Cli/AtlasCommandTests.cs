using System.Diagnostics;
using System.Text.RegularExpressions;
using DeepVis.Cli.Atlas;
using DeepVis.Cli.Images;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Cli;

/// <summary>'deepvis atlas' on the embedded Fashion-MNIST mini-vgg, with few steps: the site, its links, seeds, shards, resuming.</summary>
public sealed class AtlasCommandTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>conv1_1 (16 channels) and channels 0-11 of conv2_1 in batches of 4: seven batches.</summary>
    private static string[] Atlas(string site, params string[] extra) =>
        ["atlas", "--device", "cpu", "--quiet", "--layers", "conv1_1", "conv2_1", "--channels", "0-11", "--batch", "4", "--steps", "6",
            "--examples", Fixtures.Repo("samples"), "--examples-top", "3", "--examples-batch", "5", "--out", site, .. extra];

    private static AtlasManifest Manifest(string site) => AtlasManifest.Find(site)!;

    [Fact]
    public void The_site_has_a_page_per_channel_and_every_link_and_image_exists()
    {
        var site = _folder.File("site");
        var run = CliRun.Of(Atlas(site));
        Assert.True(run.ExitCode == 0, run.Error);
        var manifest = Manifest(site);
        Assert.Equal(24, manifest.Channels.Count);
        // The samples' ten garments and, in a subfolder, two photos.
        Assert.Equal(12, manifest.Examples!.Count);
        var pages = Directory.GetFiles(site, "*.html", SearchOption.AllDirectories);
        // The index, a grid per layer, a page per channel.
        Assert.Equal(1 + 2 + 24, pages.Length);
        var index = File.ReadAllText(Path.Combine(site, "index.html"));
        foreach (var layer in manifest.Layers) Assert.Contains($"href=\"{layer.Folder}/index.html\"", index);
        var links = 0;
        foreach (var page in pages)
        {
            var html = File.ReadAllText(page);
            // A link with no target (render, shown only when served) stays hidden when the site is opened from the file system.
            foreach (Match a in Regex.Matches(html, "<a (?![^>]*href=)[^>]*>")) Assert.Contains(" hidden", a.Value);
            foreach (Match m in Regex.Matches(html, "(?:href|src)=\"([^\"#]+)\""))
            {
                var target = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, m.Groups[1].Value));
                Assert.True(File.Exists(target), $"{page} links {m.Groups[1].Value}, which does not exist");
                Assert.StartsWith(Path.GetFullPath(site), target);
                links++;
            }
        }
        Assert.True(links > 24 * 8, $"only {links} links");
        Assert.Contains("id=\"search\"", index);
        var state = ExampleState.Find(site)!;
        foreach (var channel in manifest.Channels)
        {
            var layer = manifest.Layers.Single(l => l.Address == channel.Layer);
            var page = File.ReadAllText(Path.Combine(site, AtlasSite.ChannelPage(layer, channel.Channel)));
            Assert.Contains($"--seed {channel.Seed}", page);
            Assert.Contains("<svg", page);
            // The page shows the channel's top images, largest first, each with its crop and map.
            var top = state.Channels.Single(c => c.Layer == channel.Layer && c.Channel == channel.Channel).Top;
            Assert.Equal(3, top.Count);
            Assert.Equal(top.Select(t => t.Activation).OrderDescending(), top.Select(t => t.Activation));
            foreach (var (hit, rank) in top.Select((t, r) => (t, r)))
            {
                Assert.Contains($"src=\"../{ExamplePass.Thumbnail(hit.Image)}\"", page);
                Assert.Contains($"src=\"../{ExamplePass.TopFiles(layer, channel.Channel, rank).Crop}\"", page);
            }
            // The layer's page shows the channel with its top crops beside it.
            var grid = File.ReadAllText(Path.Combine(site, layer.Folder, "index.html"));
            Assert.Matches($"<div class=\"channel\" id=\"c{channel.Channel}\"[^\n]*c{channel.Channel:D4}.png[^\n]*(c{channel.Channel:D4}-top\\d.png[^\n]*){{3}}", grid);
        }
        // Channel mean rises on most channels even in 6 steps (the Lucid recipe from a random start).
        Assert.True(manifest.Channels.Count(c => c.End > c.Start) >= 18, string.Join(", ", manifest.Channels.Select(c => $"{c.Start}->{c.End}")));
        var sheet = new ContactSheet([.. Enumerable.Range(0, 12).Select(c => c.ToString())], 1, 28, 28);
        using var stream = File.OpenRead(Path.Combine(site, "features.5", AtlasSite.SheetFile));
        var image = TestImages.Read(stream, 1);
        Assert.Equal((sheet.Image.Width, sheet.Image.Height), (image.Width, image.Height));
    }

    [Fact]
    public void A_channel_renders_alone_as_in_its_batch_with_the_seed_its_page_gives()
    {
        var site = _folder.File("site");
        Assert.Equal(0, CliRun.Of(["atlas", "--device", "cpu", "--quiet", "--layers", "conv2_1", "--channels", "4-7", "--batch", "4", "--steps", "12", "--out", site]).ExitCode);
        var manifest = Manifest(site);
        var channel = manifest.Channels.Single(c => c.Channel == 6);
        // The command the channel's page gives, run as it is.
        var page = File.ReadAllText(Path.Combine(site, AtlasSite.ChannelPage(manifest.Layers[0], 6)));
        var command = Regex.Match(page, "<code>deepvis (render [^<]+)</code>").Groups[1].Value;
        Assert.Equal($"render --objective conv2_1:6 --size 28 --steps 12 --seed {channel.Seed}", command);
        var alone = _folder.File("alone");
        var run = CliRun.Of([.. command.Split(' '), "--device", "cpu", "--quiet", "--out", alone]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Equal(Pixels(Path.Combine(site, channel.Image)), Pixels(Path.Combine(alone, "render-0.png")));
        Assert.NotEqual(Pixels(Path.Combine(site, channel.Image)), Pixels(Path.Combine(site, manifest.Channels.Single(c => c.Channel == 5).Image)));
    }

    private static byte[] Pixels(string png)
    {
        using var stream = File.OpenRead(png);
        return TestImages.Read(stream, 1).Data;
    }

    [Fact]
    public async Task Three_shards_run_as_processes_merge_into_the_single_runs_site()
    {
        var single = _folder.File("single");
        Assert.True(CliRun.Of(Atlas(single)) is { ExitCode: 0 });
        // The shards run as separate processes, as on a cluster, at the same time.
        var cli = Path.Combine(AppContext.BaseDirectory, "deepvis.dll");
        var shards = Enumerable.Range(0, 3).Select(i => _folder.File($"shard{i}")).ToList();
        var processes = shards.Select((site, i) =>
        {
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var arg in (string[])[cli, .. Atlas(site, "--shard", $"{i}/3")]) start.ArgumentList.Add(arg);
            return Process.Start(start)!;
        }).ToList();
        foreach (var p in processes)
        {
            var token = TestContext.Current.CancellationToken;
            var (output, error) = (p.StandardOutput.ReadToEndAsync(token), p.StandardError.ReadToEndAsync(token));
            await p.WaitForExitAsync(token);
            Assert.True(p.ExitCode == 0, await output + await error);
        }
        var parts = shards.Select(s => Manifest(s).Channels.Select(c => (c.Layer, c.Channel)).ToHashSet()).ToList();
        Assert.All(parts, p => Assert.NotEmpty(p));
        Assert.Equal(24, parts.Sum(p => p.Count));
        Assert.Equal(24, parts.SelectMany(p => p).Distinct().Count());

        var merged = _folder.File("merged");
        var run = CliRun.Of(["atlas", "merge", .. shards, "--out", merged]);
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("24 of 24 channels", run.Output);
        AssertSameFiles(single, merged);
    }

    [Fact]
    public void An_interrupted_run_resumes_with_the_batches_it_had_not_finished()
    {
        var complete = _folder.File("complete");
        Assert.True(CliRun.Of(Atlas(complete)) is { ExitCode: 0 });
        // An interrupted run: the manifest lists the batches finished before it stopped, here all but the last two.
        var interrupted = _folder.File("interrupted");
        Assert.True(CliRun.Of(Atlas(interrupted)) is { ExitCode: 0 });
        var manifest = Manifest(interrupted);
        var lost = manifest.Channels.Where(c => c.Layer == "features.5" && c.Channel >= 4).ToList();
        foreach (var c in lost) File.Delete(Path.Combine(interrupted, c.Image));
        (manifest with { Channels = [.. manifest.Channels.Except(lost)] }).Save(interrupted);

        var run = CliRun.Of(Atlas(interrupted));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("8 to render, 16 already done", run.Output);
        Assert.Equal(2, Regex.Matches(run.Output, @"^batch \d/2: conv2_1 ", RegexOptions.Multiline).Count);
        AssertSameFiles(complete, interrupted);
    }

    internal static void AssertSameFiles(string expected, string actual)
    {
        static List<string> Files(string root) =>
            [.. Directory.GetFiles(root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f)).Order(StringComparer.Ordinal)];
        Assert.Equal(Files(expected), Files(actual));
        foreach (var file in Files(expected))
            Assert.True(File.ReadAllBytes(Path.Combine(expected, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, file))), $"{file} differs");
    }

    [Theory]
    [InlineData("--shard", "3/2", "--shard 3/2: the index must lie in 0 to N-1")]
    [InlineData("--shard", "x", "--shard must be I/N")]
    [InlineData("--channels", "0-99", "--channels 0-99 is beyond conv1_1 (features.0), which has 16 channels: 0 to 15")]
    [InlineData("--channels", "5-2", "--channels must be A-B or A")]
    [InlineData("--batch", "0", "--batch must be a whole number from 1 to 1024, got '0'")]
    [InlineData("--examples", "no-such-folder", "--examples: 'no-such-folder' does not exist")]
    [InlineData("--examples-shard", "2/2", "--examples-shard 2/2: the index must lie in 0 to N-1")]
    public void Bad_options_get_one_line_and_write_nothing(string option, string value, string message)
    {
        var site = _folder.File("site");
        CliRun.Of("atlas", "--device", "cpu", "--quiet", "--layers", "conv1_1", "--steps", "2", option, value, "--out", site).AssertOneLineError(message);
        Assert.False(Directory.Exists(site));
    }

    [Theory]
    [InlineData("nosuch", "unknown layer 'nosuch'")]
    [InlineData("fc1", "fc1 (classifier.0) has 128 units, not channels")]
    public void Layers_without_channels_are_refused(string layer, string message) =>
        CliRun.Of("atlas", "--device", "cpu", "--quiet", "--layers", layer, "--out", _folder.File("site")).AssertOneLineError(message);

    [Fact]
    public void A_folder_that_is_not_an_atlas_or_of_another_plan_is_never_overwritten()
    {
        var other = _folder.File("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "notes.txt"), "mine");
        string[] small = ["atlas", "--device", "cpu", "--quiet", "--layers", "conv1_1", "--channels", "0-1"];
        CliRun.Of([.. small, "--steps", "2", "--out", other]).AssertOneLineError("exists and is not an atlas");
        Assert.Equal(["notes.txt"], Directory.GetFiles(other).Select(Path.GetFileName));

        var site = _folder.File("site");
        Assert.Equal(0, CliRun.Of([.. small, "--steps", "2", "--out", site]).ExitCode);
        CliRun.Of([.. small, "--steps", "3", "--out", site]).AssertOneLineError("holds an atlas of another plan (settings differ");
        var layer = _folder.File("layer");
        Assert.Equal(0, CliRun.Of(["atlas", "--device", "cpu", "--quiet", "--layers", "conv1_2", "--channels", "0-1", "--steps", "2", "--out", layer]).ExitCode);
        CliRun.Of("atlas", "merge", site, layer, "--out", _folder.File("merged")).AssertOneLineError("are not parts of one atlas: layers and channels differ");
        Assert.False(Directory.Exists(_folder.File("merged")));
    }
}
