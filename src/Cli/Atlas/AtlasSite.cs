using System.Globalization;
using System.Text;
using DeepVis.Cli.Images;
using DeepVis.Images;
using DeepVis.Nets.Files;
using static System.Net.WebUtility;

namespace DeepVis.Cli.Atlas;

/// <summary>
/// The static site of an atlas, written from its manifest and the images beside it: index.html (the
/// layers), per layer FOLDER/index.html (the grid) and FOLDER/sheet.png (the contact sheet), per channel
/// FOLDER/cNNNN.html. Links are relative, so the site opens from the file system; every name is
/// HTML-encoded. Pages depend on the manifest alone, so a merged site equals a single run's byte for byte.
/// Under 'deepvis serve' a small script turns the links marked data-render into requests to render.
/// </summary>
public static class AtlasSite
{
    public const string IndexPage = "index.html";
    public const string SheetFile = "sheet.png";
    public const string StyleFile = "style.css";

    /// <summary>A channel's files, relative to the site.</summary>
    public static string ChannelStem(AtlasLayer layer, int channel) => $"{layer.Folder}/c{channel:D4}";

    public static string ChannelPage(AtlasLayer layer, int channel) => ChannelStem(layer, channel) + ".html";

    public static void Write(AtlasManifest manifest, string site)
    {
        Replace(Path.Combine(site, StyleFile), Style);
        var done = manifest.Channels.ToDictionary(c => (c.Layer, c.Channel));
        Replace(Path.Combine(site, IndexPage), Index(manifest, done));
        foreach (var layer in manifest.Layers)
        {
            Directory.CreateDirectory(Path.Combine(site, layer.Folder));
            WriteSheet(manifest, layer, done, site);
            Replace(Path.Combine(site, layer.Folder, IndexPage), LayerPage(manifest, layer, done));
            for (var c = layer.First; c <= layer.Last; c++)
                if (done.TryGetValue((layer.Address, c), out var channel))
                    Replace(Path.Combine(site, ChannelPage(layer, c)), ChannelPageHtml(manifest, layer, channel, done));
        }
    }

    /// <summary>Writes a file through a temporary one, so that 'deepvis serve' never hands out half a page while it rewrites the site.</summary>
    public static void Replace(string path, string text) => OutputFile.WriteText(path, text);

    /// <summary>The layer's channels as a labelled contact sheet, black where a channel is not rendered yet.</summary>
    private static void WriteSheet(AtlasManifest manifest, AtlasLayer layer, Dictionary<(string, int), AtlasChannel> done, string site)
    {
        var size = manifest.Settings.Size;
        var sheet = new ContactSheet([.. Enumerable.Range(layer.First, layer.Count).Select(c => c.ToString(CultureInfo.InvariantCulture))],
            manifest.Model.Channels, size, size);
        for (var c = layer.First; c <= layer.Last; c++)
            if (done.TryGetValue((layer.Address, c), out var channel))
                sheet.Place(c - layer.First, ImageLoader.Load(Path.Combine(site, channel.Image), manifest.Model.Channels));
        ImageSaver.SavePng(sheet.Image, Path.Combine(site, layer.Folder, SheetFile));
    }

    private static string Index(AtlasManifest manifest, Dictionary<(string, int), AtlasChannel> done)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<h1>Atlas of {HtmlEncode(manifest.Model.Name)}</h1>\n<p>{Summary(manifest)}</p>\n");
        body.Append("<p><a data-render=\"\" hidden>Render a channel or an objective</a></p>\n");
        body.Append("<table>\n<tr><th>layer</th><th>address</th><th>channels</th><th>rendered</th><th>contact sheet</th></tr>\n");
        foreach (var layer in manifest.Layers)
        {
            var count = Enumerable.Range(layer.First, layer.Count).Count(c => done.ContainsKey((layer.Address, c)));
            var link = $"{layer.Folder}/{IndexPage}";
            body.Append(CultureInfo.InvariantCulture,
                $"<tr><td><a href=\"{link}\">{HtmlEncode(layer.Name)}</a></td><td>{HtmlEncode(layer.Address)}</td>" +
                $"<td>{layer.First}-{layer.Last} of {layer.Width}</td><td>{count} of {layer.Count}</td>" +
                $"<td><a href=\"{link}\"><img class=\"sheet\" src=\"{layer.Folder}/{SheetFile}\" alt=\"{HtmlEncode(layer.Name)}\"></a></td></tr>\n");
        }
        body.Append("</table>\n");
        return Page($"Atlas of {manifest.Model.Name}", "", body.ToString());
    }

    private static string LayerPage(AtlasManifest manifest, AtlasLayer layer, Dictionary<(string, int), AtlasChannel> done)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p><a href=\"../{IndexPage}\">{HtmlEncode(manifest.Model.Name)}</a></p>\n");
        body.Append(CultureInfo.InvariantCulture, $"<h1>{Title(layer)}</h1>\n<p>channels {layer.First}-{layer.Last} of {layer.Width}; " +
            $"<a href=\"{SheetFile}\">contact sheet</a></p>\n<div class=\"grid\">\n");
        for (var c = layer.First; c <= layer.Last; c++)
        {
            if (done.TryGetValue((layer.Address, c), out var channel))
                body.Append(CultureInfo.InvariantCulture, $"<a class=\"tile\" href=\"c{c:D4}.html\"><img src=\"c{c:D4}.png\" alt=\"channel {c}\">" +
                    $"<span>{c}: {Number(channel.End)}</span></a>\n");
            else
                body.Append(CultureInfo.InvariantCulture, $"<div class=\"tile\"><div class=\"missing\">not rendered</div><span>{c} " +
                    $"<a data-render=\"{HtmlEncode($"{layer.Address}:{c}")}\" hidden>render</a></span></div>\n");
        }
        body.Append("</div>\n");
        return Page(layer.Name, "../", body.ToString());
    }

    private static string ChannelPageHtml(AtlasManifest manifest, AtlasLayer layer, AtlasChannel channel, Dictionary<(string, int), AtlasChannel> done)
    {
        var c = channel.Channel;
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p><a href=\"../{IndexPage}\">{HtmlEncode(manifest.Model.Name)}</a> / <a href=\"{IndexPage}\">{HtmlEncode(layer.Name)}</a>");
        foreach (var (text, other) in new[] { ("previous", c - 1), ("next", c + 1) })
            if (done.ContainsKey((layer.Address, other))) body.Append(CultureInfo.InvariantCulture, $" | <a href=\"c{other:D4}.html\">{text}</a>");
        body.Append(CultureInfo.InvariantCulture, $"</p>\n<h1>{Title(layer)}, channel {c}</h1>\n");
        body.Append(CultureInfo.InvariantCulture, $"<img class=\"vis\" src=\"c{c:D4}.png\" alt=\"channel {c}\">\n");
        body.Append(CultureInfo.InvariantCulture, $"<p>objective {HtmlEncode(layer.Name)}:{c} (the channel's mean): {Number(channel.Start)} at the start, " +
            $"{Number(channel.End)} after {manifest.Settings.Steps} steps; {HtmlEncode(manifest.Settings.Recipe)}, seed {channel.Seed}.</p>\n");
        var weights = manifest.Model.Weights is { } w ? $" --weights {w}" : "";
        body.Append(CultureInfo.InvariantCulture, $"<p>Alone: <code>{HtmlEncode($"deepvis render{weights} --objective {layer.Name}:{c} --size {manifest.Settings.Size} " +
            $"--steps {manifest.Settings.Steps} --seed {channel.Seed}")}</code></p>\n");
        if (manifest.Examples is { } examples && channel.Top is { } top && channel.Activations is { } activations)
        {
            body.Append(CultureInfo.InvariantCulture, $"<h2>Top {top.Count} of {examples.Images.Count} example images</h2>\n<div class=\"examples\">\n");
            foreach (var e in top)
            {
                var image = examples.Images[e.Image];
                body.Append(CultureInfo.InvariantCulture, $"<figure><a href=\"../{image.Thumbnail}\"><img src=\"../{image.Thumbnail}\" alt=\"{HtmlEncode(image.Name)}\"></a>" +
                    $"<img src=\"../{e.Crop}\" alt=\"crop around the peak\"><img src=\"../{e.Map}\" alt=\"activation map\">" +
                    $"<figcaption>{HtmlEncode(image.Name)}: {Number(e.Activation)} at ({e.PeakY}, {e.PeakX}); the image, the crop around the peak, the activation map</figcaption></figure>\n");
            }
            body.Append("</div>\n<h2>Largest activation per example image</h2>\n");
            body.Append(BarChart(examples, activations, [.. top.Select(t => t.Image)]));
        }
        return Page($"{layer.Name} channel {c}", "../", body.ToString());
    }

    /// <summary>An inline SVG bar chart of the largest activation per example image, largest first; the top images highlighted.</summary>
    private static string BarChart(AtlasExamples examples, IReadOnlyList<float> activations, HashSet<int> top)
    {
        const int barWidth = 14, height = 120, gap = 2, margin = 4;
        var order = Enumerable.Range(0, activations.Count).OrderByDescending(n => activations[n]).ThenBy(n => n).ToList();
        var (high, low) = (Math.Max(0f, activations.Max()), Math.Min(0f, activations.Min()));
        var span = Math.Max(high - low, 1e-12f);
        double Y(float v) => margin + (high - v) / span * (height - 2 * margin);
        var width = order.Count * (barWidth + gap) + 2 * margin;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">\n");
        for (var i = 0; i < order.Count; i++)
        {
            var n = order[i];
            var (y0, y1) = (Y(Math.Max(activations[n], 0f)), Y(Math.Min(activations[n], 0f)));
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{margin + i * (barWidth + gap)}\" y=\"{y0:F1}\" width=\"{barWidth}\" height=\"{Math.Max(y1 - y0, 0.5):F1}\" class=\"{(top.Contains(n) ? "top" : "bar")}\">" +
                $"<title>{HtmlEncode(examples.Images[n].Name)}: {Number(activations[n])}</title></rect>\n");
        }
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"0\" x2=\"{width}\" y1=\"{Y(0):F1}\" y2=\"{Y(0):F1}\" class=\"axis\"/>\n</svg>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">{order.Count} images, largest first, from {Number(activations.Max())} to {Number(activations.Min())}; the top ones in orange.</p>\n");
        return svg.ToString();
    }

    private static string Title(AtlasLayer layer) =>
        layer.Name == layer.Address ? HtmlEncode(layer.Name) : $"{HtmlEncode(layer.Name)} ({HtmlEncode(layer.Address)})";

    private static string Summary(AtlasManifest m) => HtmlEncode(
        $"{m.Model.Arch}, weights {m.Model.Name} (SHA-256 {m.Model.Sha256}); every channel rendered with 'deepvis render' defaults " +
        $"({m.Settings.Recipe}) at {m.Settings.Size}x{m.Settings.Size}, {m.Settings.Steps} steps, in batches of {m.Settings.Batch}; " +
        $"{m.Channels.Count} of {m.ChannelCount} channels rendered" +
        (m.Examples is { } e ? $"; top {e.Top} of {e.Images.Count} example images at {e.Size}x{e.Size}" : "") + ".");

    private static string Number(float v) => v.ToString("G4", CultureInfo.InvariantCulture);

    private static string Page(string title, string root, string body) =>
        $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><title>{{HtmlEncode(title)}}</title><link rel="stylesheet" href="{{root}}{{StyleFile}}"></head>
        <body>
        {{body}}<script>
        // Served by 'deepvis serve': links marked data-render ask it to render what is missing.
        if (location.protocol.startsWith('http'))
          for (const a of document.querySelectorAll('[data-render]')) { a.href = '/render?objective=' + encodeURIComponent(a.dataset.render); a.hidden = false; }
        </script>
        </body>
        </html>

        """;

    private const string Style = """
        body { font-family: sans-serif; margin: 1.5em; background: #141414; color: #ddd; }
        a { color: #8cf; }
        table { border-collapse: collapse; }
        td, th { padding: 4px 10px; text-align: left; vertical-align: middle; }
        .sheet { width: 320px; image-rendering: pixelated; }
        .grid { display: flex; flex-wrap: wrap; gap: 8px; }
        .tile { width: 100px; text-align: center; font-size: 12px; text-decoration: none; color: #ddd; }
        .tile img, .missing { width: 96px; height: 96px; image-rendering: pixelated; display: block; margin: 0 auto 2px; }
        .missing { background: #333; color: #888; line-height: 96px; }
        .vis { width: 256px; height: 256px; image-rendering: pixelated; }
        .examples { display: flex; flex-wrap: wrap; gap: 16px; }
        figure { margin: 0; }
        figure img { width: 96px; height: 96px; image-rendering: pixelated; margin-right: 4px; }
        figcaption { font-size: 12px; max-width: 300px; }
        .chart .bar { fill: #68a; } .chart .top { fill: #e90; } .chart .axis { stroke: #888; }
        .note { font-size: 12px; color: #999; }

        """;
}
