using System.CommandLine;
using System.Diagnostics;
using DeepVis.Nets;
using DeepVis.Nets.Files;
using DeepVis.Optim;
using DeepVis.Optim.Render;

namespace DeepVis.Cli.Atlas;

/// <summary>
/// <c>deepvis atlas</c>: every channel of some layers rendered with render's defaults, with a contact
/// sheet per layer and, given example images, each channel's top images (<see cref="ExamplePass"/>);
/// written as a static site (<see cref="AtlasSite"/>). Resumable (the manifest is saved after every batch,
/// the example state every few batches, and a rerun skips what they hold) and shardable over channels
/// (<c>--shard i/n</c>) or example images (<c>--examples-shard i/n</c>), then <c>deepvis atlas merge</c>.
/// </summary>
public static class AtlasCommand
{
    public const int DefaultBatch = 16;
    public const int DefaultTop = 9;
    public const int DefaultExampleBatch = 32;
    public const int DefaultCheckpoint = 20;

    public static Command Create(TextWriter output)
    {
        var weights = Options.OptionalWeights();
        var device = App.DeviceOption();
        var layers = new Option<string[]>("--layers")
        {
            Description = "layers whose channels to render, e.g. layer3 or conv1_1 conv1_2 ('deepvis layers' lists them)",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var channels = OptionFactory.Parsed("--channels", "only channels A-B (inclusive, from 0) of each layer (default: all)", "A-B", AtlasPlan.ParseChannels);
        var examples = new Option<string?>("--examples")
        {
            Description = "example images: a folder (searched recursively for PNG, JPEG, ...) or an IDX image file (MNIST, Fashion-MNIST; may be gzipped); " +
                "per channel the images that excite it most, found by forward passes",
        };
        var top = OptionFactory.Int("--examples-top", "example images kept and shown per channel", 1, Limits.MaxCount, DefaultTop);
        var exampleBatch = OptionFactory.Int("--examples-batch", "example images per forward pass", 1, Limits.MaxBatch, DefaultExampleBatch);
        var checkpoint = OptionFactory.Int("--examples-checkpoint", "save the example pass's state every N batches (a rerun resumes from it)", 1, int.MaxValue, DefaultCheckpoint);
        var exampleShard = OptionFactory.Parsed<Shard?>("--examples-shard",
            "count only slice I of N of the example images (whole batches), render nothing; merge the shards with 'deepvis atlas merge', then run again on the merged folder",
            "I/N", text => Shard.Parse(text, "--examples-shard"));
        var size = OptionFactory.OptionalInt("--size", "rendered image size in pixels, square (default: the model's input size)", 1, Limits.MaxSize);
        var steps = OptionFactory.Int("--steps", "optimization steps per channel (as render)", 1, Limits.MaxSteps, RenderSettings.DefaultSteps);
        var batch = OptionFactory.Int("--batch", "channels rendered together, in batches aligned to it within each layer", 1, Limits.MaxBatch, DefaultBatch);
        var shard = OptionFactory.Parsed("--shard",
            "render only slice I of N (I from 0, e.g. a job array index); merge the shards' folders with 'deepvis atlas merge'", "I/N", text => Shard.Parse(text));
        var outDir = new Option<string>("--out") { Description = "the site's folder: new, empty, or an atlas of the same plan to resume", Required = true };
        var quiet = new Option<bool>("--quiet") { Description = "no progress output" };
        var command = new Command("atlas", "Render every channel of some layers as a static site: a grid per layer, a page per channel with its top example images.")
        {
            weights, device, layers, channels, examples, top, exampleBatch, checkpoint, exampleShard, size, steps, batch, shard, outDir, quiet,
        };
        command.Subcommands.Add(AtlasMerge.Create(output));
        command.SetAction(result =>
        {
            var request = new AtlasRequest(result.GetValue(weights), result.GetValue(layers)!, result.GetValue(channels),
                result.GetValue(examples), result.GetValue(top), result.GetValue(exampleBatch), result.GetValue(checkpoint), result.GetValue(exampleShard),
                result.GetValue(size), result.GetValue(steps), result.GetValue(batch), result.GetValue(shard), result.GetValue(outDir)!);
            var source = request.Examples is { } path ? ExampleSource.Open(path) : null;
            var existing = AtlasManifest.Existing(request.Out);
            // The atlas's randomness is per channel (AtlasPlan.Seed); the session's source goes unused.
            using var session = Session.Open(result.GetValue(device), request.Weights, new Random(0), request.Out, null,
                new ProgressDisplay(output, result.GetValue(quiet)), output);
            Build(session, request, existing, source);
            return 0;
        });
        return command;
    }

    /// <summary>What the command line asked for.</summary>
    private sealed record AtlasRequest(string? Weights, string[] Layers, (int First, int Last)? Channels, string? Examples, int Top,
        int ExampleBatch, int Checkpoint, Shard? ExamplesShard, int? Size, int Steps, int Batch, Shard? Shard, string Out);

    private static void Build(Session session, AtlasRequest request, AtlasManifest? existing, ExampleSource? source)
    {
        var network = session.Network;
        var plan = Plan(network, request, source);
        if (existing is not null)
        {
            if (existing.PlanDifference(plan) is { } difference)
                throw new UserException($"'{request.Out}' holds an atlas of another plan ({difference}); choose another --out to start a new one");
            if (existing.Shard != plan.Shard)
                throw new UserException($"'{request.Out}' holds shard {existing.Shard?.Text ?? "0/1"}, not {plan.Shard?.Text ?? "0/1"}: give each shard its own --out");
            if (existing.ExamplesShard != plan.ExamplesShard)
                throw new UserException($"'{request.Out}' holds example shard {existing.ExamplesShard?.Text ?? "0/1"}, not {plan.ExamplesShard?.Text ?? "0/1"}: give each shard its own --out");
        }
        OutputFile.CreateFolder(request.Out);
        var manifest = plan.WithChannels(existing?.Channels ?? []);
        // Before any image: a run killed in its first batch leaves a folder that the next run resumes.
        manifest.Save(request.Out);
        var output = session.Output;
        if (source is not null && !Examples(session, manifest, source, request.Checkpoint)) return;
        var done = manifest.Channels.Select(c => (c.Layer, c.Channel)).ToHashSet();
        var batches = AtlasPlan.Slice(AtlasPlan.Batches(plan.Layers, plan.Settings.Batch), plan.Shard ?? new Shard(0, 1));
        var todo = batches.Select(b => b with { Channels = [.. b.Channels.Where(c => !done.Contains((b.Layer.Address, c)))] })
            .Where(b => b.Channels.Count > 0).ToList();
        output.WriteLine($"atlas: {network.Info.Arch} ({plan.Model.Name}), {plan.Layers.Count} layer{(plan.Layers.Count == 1 ? "" : "s")}, " +
            $"{batches.Sum(b => b.Channels.Count)} channels in {batches.Count} batches{(plan.Shard is { } s ? $" (shard {s.Text})" : "")}; " +
            $"{todo.Sum(b => b.Channels.Count)} to render, {batches.Sum(b => b.Channels.Count) - todo.Sum(b => b.Channels.Count)} already done; " +
            $"{plan.Settings.Recipe}, {plan.Settings.Size}x{plan.Settings.Size}, {plan.Settings.Steps} steps");
        var renderer = new AtlasRenderer(session, plan);
        var total = Stopwatch.StartNew();
        for (var i = 0; i < todo.Count; i++)
        {
            var watch = Stopwatch.StartNew();
            var rendered = session.Progress.Track(todo[i].Text, report => renderer.Render(todo[i].Layer, todo[i].Channels, report));
            manifest = manifest.WithChannels([.. manifest.Channels, .. rendered]);
            manifest.Save(request.Out);
            output.WriteLine($"batch {i + 1}/{todo.Count}: {todo[i].Text} in {watch.Elapsed.TotalSeconds:F1} s");
        }
        manifest.Save(request.Out);
        AtlasSite.Write(manifest, request.Out);
        output.WriteLine($"rendered {todo.Sum(b => b.Channels.Count)} channels in {total.Elapsed.TotalSeconds:F1} s; " +
            $"wrote {Path.Combine(request.Out, AtlasSite.IndexPage)} ({manifest.Channels.Count} of {manifest.ChannelCount} channels)");
    }

    /// <summary>
    /// Runs the example pass (or the rest of it) and writes the top images' files; false for a shard of the
    /// example images, which renders nothing. Ctrl+C stops it after the batch it is in, with its state saved.
    /// </summary>
    private static bool Examples(Session session, AtlasManifest plan, ExampleSource source, int checkpoint)
    {
        var output = session.Output;
        var pass = new ExamplePass(session, plan, source);
        var state = ExampleState.Find(session.OutDir) ?? ExampleState.Empty(plan.Layers);
        var range = pass.Range(plan.ExamplesShard);
        var todo = Enumerable.Range(range.From, range.To - range.From).Where(b => !state.Counted(b)).ToList();
        var images = todo.Sum(b => Math.Min(plan.Examples!.Batch, source.Count - b * plan.Examples.Batch));
        output.WriteLine($"examples: {source.Description}{(plan.ExamplesShard is { } s ? $", shard {s.Text}" : "")}: " +
            $"{range.To - range.From - todo.Count} of {range.To - range.From} batches of {plan.Examples!.Batch} already counted, {images} images to go");
        using var cancel = new CancellationTokenSource();
        void Stop(object? sender, ConsoleCancelEventArgs e)
        {
            e.Cancel = true;
            cancel.Cancel();
        }
        Console.CancelKeyPress += Stop;
        try
        {
            session.Progress.Count("examples", images, report => pass.Run(state, range, checkpoint, report, cancel.Token));
        }
        catch (OperationCanceledException)
        {
            throw new UserException($"stopped; the example state is saved in {ExampleState.PathIn(session.OutDir)}: run the same command again to resume");
        }
        finally
        {
            Console.CancelKeyPress -= Stop;
        }
        if (state.Skipped > 0)
            output.WriteLine($"skipped {state.Skipped} example image{(state.Skipped == 1 ? "" : "s")} that could not be read: " +
                string.Join(", ", state.FirstSkipped.Select(i => FileText.Escape(i.Name))) + (state.Skipped > state.FirstSkipped.Count ? ", ..." : ""));
        if (plan.ExamplesShard is { Count: > 1 } shard)
        {
            output.WriteLine($"counted example shard {shard.Text} into {ExampleState.PathIn(session.OutDir)}; merge the shards with 'deepvis atlas merge', " +
                "then run this command without --examples-shard and with --out the merged folder to render");
            return false;
        }
        if (!state.FilesWritten)
        {
            pass.WriteFiles(state);
            output.WriteLine($"wrote the top {plan.Examples.Top} example images of {state.Channels.Count} channels " +
                $"({state.Channels.SelectMany(c => c.Top).Select(t => t.Image).Distinct().Count()} distinct images)");
        }
        return true;
    }

    /// <summary>The manifest of the run the command line describes, with no channels yet; every name and range checked.</summary>
    private static AtlasManifest Plan(Network network, AtlasRequest request, ExampleSource? source)
    {
        var targets = request.Layers.Select(network.Resolve).DistinctBy(t => t.Index).ToList();
        var size = request.Size ?? network.Info.DefaultSize;
        var minimum = InputSize.Minimum(network, targets);
        if (size < minimum) throw new UserException($"--size {size} is too small for this {network.Info.Arch}: it needs at least {minimum}");
        if (!InputSize.Fits(network, size, targets))
            throw new UserException($"--size {size} does not fit this {network.Info.Arch} up to those layers: square sizes that fit: {network.SizesThatFit(targets)}");
        var shapes = network.OutputShapes(1, size, size, targets);
        var layers = targets.Select(t =>
        {
            var shape = shapes[t.Index];
            if (network.ChannelsLastProblem(t, shapes) is { } problem) throw new UserException(problem);
            if (shape.Length != 4)
                throw new UserException($"{t.Name} ({t.Address}) has {shape[1]} units, not channels with positions: an atlas shows convolution channels");
            var (first, last) = request.Channels ?? (0, shape[1] - 1);
            if (last >= shape[1])
                throw new UserException($"--channels {first}-{last} is beyond {t.Name} ({t.Address}), which has {shape[1]} channels: 0 to {shape[1] - 1}");
            return new AtlasLayer(t.Address, t.Name, AtlasLayer.FolderOf(t.Address), shape[1], first, last);
        }).ToList();
        var settings = RenderSettings.Lucid(size, network.Info.InputChannels, request.Steps);
        AtlasExamples? examples = null;
        if (source is not null)
        {
            var exampleSize = network.Info.DefaultSize;
            if (!InputSize.Fits(network, exampleSize, targets))
                throw new UserException($"the example images at {exampleSize}x{exampleSize} do not fit this {network.Info.Arch} up to those layers");
            examples = new AtlasExamples(request.Top, exampleSize, request.ExampleBatch, source.Count, source.Digest(), source.Description, request.Examples);
        }
        else if (request.ExamplesShard is not null) throw new UserException("--examples-shard needs --examples");
        return new AtlasManifest(AtlasManifest.FormatName, AtlasManifest.CurrentVersion, AtlasModel.Of(request.Weights, network),
            new AtlasSettings(size, request.Steps, request.Batch, AtlasRenderer.Recipe(settings)), layers, examples,
            request.Shard is { Count: > 1 } shard ? shard : null, [], request.ExamplesShard is { Count: > 1 } part ? part : null);
    }
}
