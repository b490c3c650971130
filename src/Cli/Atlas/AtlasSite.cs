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
        // Examples show once their files are written: a site of an unfinished pass shows none.
        var examples = manifest.Examples is null ? null : ExampleState.Find(site) is { FilesWritten: true } state
            ? state.Channels.ToDictionary(c => (c.Layer, c.Channel)) : null;
        Replace(Path.Combine(site, IndexPage), Index(manifest, done));
        foreach (var layer in manifest.Layers)
        {
            Directory.CreateDirectory(Path.Combine(site, layer.Folder));
            WriteSheet(manifest, layer, done, site);
            Replace(Path.Combine(site, layer.Folder, IndexPage), LayerPage(manifest, layer, done, examples));
            for (var c = layer.First; c <= layer.Last; c++)
                if (done.TryGetValue((layer.Address, c), out var channel))
                    Replace(Path.Combine(site, ChannelPage(layer, c)), ChannelPageHtml(manifest, layer, channel, done, examples?[(layer.Address, c)]));
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
        body.Append(Search(manifest, done));
        return Page($"Atlas of {manifest.Model.Name}", "", body.ToString());
    }

    private static string LayerPage(AtlasManifest manifest, AtlasLayer layer, Dictionary<(string, int), AtlasChannel> done,
        Dictionary<(string, int), ChannelResponse>? examples)
    {
        var body = new StringBuilder();
        body.Append(CultureInfo.InvariantCulture, $"<p><a href=\"../{IndexPage}\">{HtmlEncode(manifest.Model.Name)}</a></p>\n");
        body.Append(CultureInfo.InvariantCulture, $"<h1>{Title(layer)}</h1>\n<p>channels {layer.First}-{layer.Last} of {layer.Width}; " +
            $"<a href=\"{SheetFile}\">contact sheet</a>" +
            $"{(examples is null ? "" : "; beside each channel the crops of its top example images around the peak (the unit's receptive field)")}</p>\n" +
            $"<p><label>channel <input id=\"find\" type=\"search\" inputmode=\"numeric\" size=\"6\"></label> <span id=\"found\"></span></p>\n" +
            $"<div class=\"{(examples is null ? "grid" : "rows")}\">\n");
        for (var c = layer.First; c <= layer.Last; c++)
        {
            body.Append(CultureInfo.InvariantCulture, $"<div class=\"channel\" id=\"c{c}\" data-channel=\"{c}\">");
            if (done.TryGetValue((layer.Address, c), out var channel))
                body.Append(CultureInfo.InvariantCulture, $"<a class=\"tile\" href=\"c{c:D4}.html\"><img src=\"c{c:D4}.png\" alt=\"channel {c}\">" +
                    $"<span>{c}: {Number(channel.End)}</span></a>");
            else
                body.Append(CultureInfo.InvariantCulture, $"<div class=\"tile\"><div class=\"missing\">not rendered</div><span>{c} " +
                    $"<a data-render=\"{HtmlEncode($"{layer.Address}:{c}")}\" hidden>render</a></span></div>");
            if (examples?[(layer.Address, c)] is { } response)
            {
                body.Append("<div class=\"crops\">");
                for (var rank = 0; rank < response.Top.Count; rank++)
                {
                    var crop = Path.GetFileName(ExamplePass.TopFiles(layer, c, rank).Crop);
                    body.Append(CultureInfo.InvariantCulture, $"<img src=\"{crop}\" alt=\"top {rank + 1}\" title=\"{Number(response.Top[rank].Activation)}\">");
                }
                body.Append(CultureInfo.InvariantCulture, $"<span class=\"note\">mean {Number((float)response.Mean)}</span></div>");
            }
            body.Append("</div>\n");
        }
        body.Append("</div>\n");
        body.Append(FindScript);
        return Page(layer.Name, "../", body.ToString());
    }

    /// <summary>The search box of the index: a layer and a channel number lead to the channel's page (or say it is not rendered).</summary>
    private static string Search(AtlasManifest manifest, Dictionary<(string, int), AtlasChannel> done)
    {
        var body = new StringBuilder("<h2>Find a channel</h2>\n<form id=\"search\"><select id=\"layer\">");
        foreach (var layer in manifest.Layers)
        {
            var rendered = string.Join(" ", Enumerable.Range(layer.First, layer.Count).Where(c => done.ContainsKey((layer.Address, c))));
            body.Append(CultureInfo.InvariantCulture, $"<option value=\"{HtmlEncode(layer.Folder)}\" data-rendered=\"{rendered}\">{HtmlEncode(layer.Name)}</option>");
        }
        body.Append("</select> <input id=\"channel\" type=\"number\" min=\"0\" placeholder=\"channel\"> <button>open</button> <span id=\"searched\"></span></form>\n");
        body.Append("""
            <script>
            // Works from the file system too: only pages that exist are opened.
            document.getElementById('search').addEventListener('submit', e => {
              e.preventDefault();
              const layer = document.getElementById('layer').selectedOptions[0], c = document.getElementById('channel').value.trim();
              if (layer.dataset.rendered.split(' ').includes(String(Number(c))))
                location.href = layer.value + '/c' + String(Number(c)).padStart(4, '0') + '.html';
              else document.getElementById('searched').textContent = 'channel ' + c + ' of ' + layer.textContent + ' is not in this atlas (or not rendered yet)';
            });
            </script>

            """);
        return body.ToString();
    }

    /// <summary>The layer page's channel box: shows only the channel typed (all when empty) and opens its page on Enter.</summary>
    private const string FindScript = """
        <script>
        const find = document.getElementById('find');
        find.addEventListener('input', () => {
          const c = find.value.trim();
          let shown = 0;
          for (const d of document.querySelectorAll('[data-channel]')) { d.hidden = c !== '' && d.dataset.channel !== String(Number(c)); shown += !d.hidden; }
          document.getElementById('found').textContent = c === '' ? '' : shown ? '' : 'no channel ' + c + ' here';
        });
        find.addEventListener('keydown', e => {
          const link = document.querySelector('[data-channel="' + Number(find.value) + '"] a.tile');
          if (e.key === 'Enter' && link) location.href = link.href;
        });
        </script>

        """;

    private static string ChannelPageHtml(AtlasManifest manifest, AtlasLayer layer, AtlasChannel channel, Dictionary<(string, int), AtlasChannel> done,
        ChannelResponse? response)
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
        if (manifest.Examples is { } examples && response is not null)
        {
            body.Append(CultureInfo.InvariantCulture, $"<h2>Top {response.Top.Count} of {response.Images} example images</h2>\n<p class=\"note\">{HtmlEncode(examples.Source)}</p>\n<div class=\"examples\">\n");
            for (var rank = 0; rank < response.Top.Count; rank++)
            {
                var e = response.Top[rank];
                var (crop, map) = ExamplePass.TopFiles(layer, c, rank);
                var thumbnail = ExamplePass.Thumbnail(e.Image);
                body.Append(CultureInfo.InvariantCulture, $"<figure><a href=\"../{thumbnail}\"><img src=\"../{thumbnail}\" alt=\"image {e.Image}\"></a>" +
                    $"<img src=\"../{crop}\" alt=\"receptive field of the peak\"><img src=\"../{map}\" alt=\"activation map\">" +
                    $"<figcaption>image {e.Image}: {Number(e.Activation)} at ({e.Y}, {e.X}); the image, the receptive field of the peak unit, the activation map</figcaption></figure>\n");
            }
            body.Append(CultureInfo.InvariantCulture, $"</div>\n<h2>Response</h2>\n<p>mean {Number((float)response.Mean)} over every position of {response.Images} images; " +
                $"each image's largest activation:</p>\n");
            body.Append(Histogram(response));
        }
        return Page($"{layer.Name} channel {c}", "../", body.ToString());
    }

    /// <summary>An inline SVG histogram of the images' largest activations over the fixed bins of <see cref="ChannelResponse.Bin"/>, the empty bins at the ends left out.</summary>
    private static string Histogram(ChannelResponse response)
    {
        const int barWidth = 8, height = 120, gap = 1, margin = 4;
        var used = Enumerable.Range(0, ChannelResponse.Bins).Where(b => response.Histogram[b] > 0).ToList();
        if (used.Count == 0) return "<p class=\"note\">no images</p>\n";
        var (first, last) = (used[0], used[^1]);
        var most = response.Histogram.Max();
        var width = (last - first + 1) * (barWidth + gap) + 2 * margin;
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\">\n");
        for (var b = first; b <= last; b++)
        {
            var bar = (double)response.Histogram[b] / most * (height - 2 * margin);
            var range = b == 0 ? "0 and below" : b == ChannelResponse.Bins - 1 ? $"{Number((float)ChannelResponse.LowerEdge(b))} and above"
                : $"{Number((float)ChannelResponse.LowerEdge(b))} to {Number((float)ChannelResponse.LowerEdge(b + 1))}";
            svg.Append(CultureInfo.InvariantCulture,
                $"<rect x=\"{margin + (b - first) * (barWidth + gap)}\" y=\"{height - margin - bar:F1}\" width=\"{barWidth}\" height=\"{Math.Max(bar, 0.5):F1}\" class=\"bar\">" +
                $"<title>{range}: {response.Histogram[b]} images</title></rect>\n");
        }
        svg.Append("</svg>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<p class=\"note\">bins of a quarter octave from {Number((float)ChannelResponse.LowerEdge(Math.Max(first, 1)))} " +
            $"to {Number((float)ChannelResponse.LowerEdge(Math.Min(last + 1, ChannelResponse.Bins - 1)))}{(first == 0 ? ", the first one for 0 and below" : "")}.</p>\n");
        return svg.ToString();
    }

    private static string Title(AtlasLayer layer) =>
        layer.Name == layer.Address ? HtmlEncode(layer.Name) : $"{HtmlEncode(layer.Name)} ({HtmlEncode(layer.Address)})";

    private static string Summary(AtlasManifest m) => HtmlEncode(
        $"{m.Model.Arch}, weights {m.Model.Name} (SHA-256 {m.Model.Sha256}); every channel rendered with 'deepvis render' defaults " +
        $"({m.Settings.Recipe}) at {m.Settings.Size}x{m.Settings.Size}, {m.Settings.Steps} steps, in batches of {m.Settings.Batch}; " +
        $"{m.Channels.Count} of {m.ChannelCount} channels rendered" +
        (m.Examples is { } e ? $"; top {e.Top} of {e.Count} example images ({e.Source}) at {e.Size}x{e.Size}" : "") + ".");

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
        .rows .channel { display: flex; align-items: center; gap: 8px; margin-bottom: 6px; }
        .crops img { width: 64px; height: 64px; object-fit: contain; image-rendering: pixelated; margin-right: 2px; vertical-align: middle; }
        .examples { display: flex; flex-wrap: wrap; gap: 16px; }
        figure { margin: 0; }
        figure img { width: 96px; height: 96px; object-fit: contain; image-rendering: pixelated; margin-right: 4px; }
        figcaption { font-size: 12px; max-width: 300px; }
        .chart .bar { fill: #68a; }
        .note { font-size: 12px; color: #999; }

        """;
}
