using DeepVis.Images;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Render;
using Progress = DeepVis.Optim.Progress;

namespace DeepVis.Cli.Atlas;

/// <summary>
/// Renders channels of an atlas into its site, as 'deepvis atlas' and 'deepvis serve' both do: one
/// render per batch with render's defaults, each image seeded by its channel (<see cref="AtlasPlan.Seed"/>),
/// the PNGs beside the pages (the example images are <see cref="ExamplePass"/>'s).
/// </summary>
public sealed class AtlasRenderer
{
    private readonly Session _session;
    private readonly AtlasManifest _plan;

    public AtlasRenderer(Session session, AtlasManifest plan)
    {
        (_session, _plan) = (session, plan);
        Settings = RenderSettings.Lucid(plan.Settings.Size, plan.Model.Channels, plan.Settings.Steps);
    }

    public const string ThumbnailFolder = "examples";

    public RenderSettings Settings { get; }

    /// <summary>How render's defaults are described in the manifest.</summary>
    public static string Recipe(RenderSettings s) =>
        $"{s.Parameterization.Name}, transforms {s.Transforms.Text}, {s.Optimizer.ToString().ToLowerInvariant()} at {s.LearningRate}";

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
            result.Add(new AtlasChannel(layer.Address, channels[n], seeds[n], rendered.Start[n], rendered.End[n], stem + ".png"));
        }
        return result;
    }
}
