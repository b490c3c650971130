using System.Security.Cryptography;
using System.Text;
using DeepVis.Images;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Render;
using Progress = DeepVis.Optim.Progress;

namespace DeepVis.Cli.Atlas;

/// <summary>
/// Renders channels of an atlas into its site, as 'deepvis atlas' and 'deepvis serve' both do: one
/// render per batch with render's defaults, each image seeded by its channel (<see cref="AtlasPlan.Seed"/>),
/// the PNGs beside the pages, and with examples each channel's top images, crops and activation maps.
/// </summary>
public sealed class AtlasRenderer
{
    private readonly Session _session;
    private readonly AtlasManifest _plan;
    private readonly ExampleActivations? _activations;
    private readonly PlanarImage[] _thumbnails = [];

    /// <summary>Loads the example images when the plan has some (writing their thumbnails) and runs the network on them once.</summary>
    public AtlasRenderer(Session session, AtlasManifest plan)
    {
        (_session, _plan) = (session, plan);
        Settings = RenderSettings.Lucid(plan.Settings.Size, plan.Model.Channels, plan.Settings.Steps);
        if (plan.Examples is not { } examples) return;
        var info = session.Network.Info;
        var files = ExampleFiles(examples.Folder!);
        var inputs = session.LoadImages(files, examples.Size, examples.Size);
        _thumbnails = [.. files.Select((_, n) => ImageSaver.ToPixels(inputs, n, info.InputChannels, examples.Size, examples.Size, info))];
        Directory.CreateDirectory(Path.Combine(session.OutDir, ThumbnailFolder));
        for (var n = 0; n < files.Count; n++) ImageSaver.SavePng(_thumbnails[n], session.OutPath(examples.Images[n].Thumbnail));
        _activations = new ExampleActivations(session.Network, inputs, files.Count, examples.Size,
            [.. plan.Layers.Select(l => session.Network.Resolve(l.Address))]);
    }

    public const string ThumbnailFolder = "examples";

    public RenderSettings Settings { get; }

    /// <summary>How render's defaults are described in the manifest.</summary>
    public static string Recipe(RenderSettings s) =>
        $"{s.Parameterization.Name}, transforms {s.Transforms.Text}, {s.Optimizer.ToString().ToLowerInvariant()} at {s.LearningRate}";

    /// <summary>The image files of an examples folder, by name; none is a one-line error.</summary>
    public static IReadOnlyList<string> ExampleFiles(string folder)
    {
        if (!Directory.Exists(folder)) throw new UserException($"--examples: folder '{folder}' does not exist");
        var files = Directory.GetFiles(folder).Where(ImageLoader.IsImage).Order(StringComparer.Ordinal).ToList();
        return files.Count > 0 ? files : throw new UserException($"--examples: '{folder}' holds no images ({string.Join(", ", ImageLoader.Extensions)})");
    }

    /// <summary>What the manifest says of an examples folder: its images, their thumbnails' names, and a digest of names and contents.</summary>
    public static AtlasExamples DescribeExamples(string folder, int top, int size)
    {
        var files = ExampleFiles(folder);
        using var digest = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            digest.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            digest.AppendData(File.ReadAllBytes(file));
        }
        var images = files.Select((file, n) => new AtlasExampleImage(Path.GetFileName(file),
            $"{ThumbnailFolder}/{n:D3}-{AtlasLayer.FolderOf(Path.GetFileNameWithoutExtension(file))}.png")).ToList();
        return new AtlasExamples(Math.Min(top, files.Count), size, Convert.ToHexStringLower(digest.GetHashAndReset())[..16], images, folder);
    }

    /// <summary>Renders some channels of a layer together and writes their files; the channels as the manifest records them.</summary>
    public IReadOnlyList<AtlasChannel> Render(AtlasLayer layer, IReadOnlyList<int> channels, Action<Progress> report)
    {
        var network = _session.Network;
        var objective = channels.Select((c, n) => Objective.Channel(layer.Address, c).At(n)).Aggregate((a, b) => a + b);
        var seeds = channels.Select(c => AtlasPlan.Seed(_plan.Model.Name, layer.Address, c)).ToList();
        List<Random> sources = [.. seeds.Select(s => new Random(s))];
        var steps = Settings.Steps;
        var rendered = Renderer.Run(network, objective, Settings, sources,
            run: (optimizer, _) => optimizer.Run(steps, Math.Max(1, steps / 50), sources[0], report));
        Directory.CreateDirectory(_session.OutPath(layer.Folder));
        var result = new List<AtlasChannel>();
        for (var n = 0; n < channels.Count; n++)
        {
            var stem = AtlasSite.ChannelStem(layer, channels[n]);
            ImageSaver.SavePng(PlanarImage.FromRender(rendered, n, network.Info), _session.OutPath(stem + ".png"));
            var (activations, top) = Examples(layer, channels[n], stem);
            result.Add(new AtlasChannel(layer.Address, channels[n], seeds[n], rendered.Start[n], rendered.End[n], stem + ".png", activations, top));
        }
        return result;
    }

    /// <summary>The channel's largest activation per example image and its top images, with the crop and map of each written beside its image.</summary>
    private (float[]? Activations, List<ChannelExample>? Top) Examples(AtlasLayer layer, int channel, string stem)
    {
        if (_activations is null || _plan.Examples is null) return (null, null);
        var top = new List<ChannelExample>();
        foreach (var (t, k) in _activations.Top(layer.Address, channel, _plan.Examples.Top).Select((t, k) => (t, k)))
        {
            var (crop, map) = ($"{stem}-top{k}.png", $"{stem}-top{k}-map.png");
            ImageSaver.SavePng(_activations.Crop(_thumbnails[t.Image], layer.Address, t.Y, t.X), _session.OutPath(crop));
            ImageSaver.SavePng(_activations.Map(layer.Address, t.Image, channel), _session.OutPath(map));
            top.Add(new ChannelExample(t.Image, t.Activation, t.Y, t.X, crop, map));
        }
        return (_activations.Maxima(layer.Address, channel), top);
    }
}
