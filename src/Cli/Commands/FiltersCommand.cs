using System.CommandLine;
using DeepVis.Cli.Images;
using DeepVis.Images;
using DeepVis.Nets.Files;
using Device = DeepVis.Kernels.Runtime.Device;
using DeepVis.Optim;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Render;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis filters</c>: activation maximization of a layer's filters start..end (inclusive), in
/// batches; one PNG per filter and a labelled contact sheet.
/// </summary>
public static class FiltersCommand
{
    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var render = new RenderOptions();
        var layer = new Option<string>("--layer")
        {
            Description = "layer whose filters to visualize: a convolution, ReLU or pool (channels) or a linear layer (units)",
            Required = true,
        };
        var start = OptionFactory.Int("--filter-start", "first filter index", 0, Limits.MaxChannel, 0);
        var end = OptionFactory.OptionalInt("--filter-end", "last filter index, inclusive (default: the layer's last filter)", 0, Limits.MaxChannel);
        var size = OptionFactory.OptionalInt("--size", "image size in pixels, square (default: the model's input size, 28 for the mini-vgg)", 1, Limits.MaxSize);
        var iterations = OptionFactory.Int("--iterations", "gradient steps", 1, Limits.MaxSteps, FilterSettings.DefaultIterations);
        var stepSize = OptionFactory.Float("--step-size", "step per iteration in pixel levels (0..255) per mean |gradient|", NumberRange.Positive(255),
            FilterSettings.DefaultStepLevels);
        var batch = OptionFactory.OptionalInt("--batch",
            "filters optimized together (default: as many as fit half the device memory, or 256 MiB on the CPU accelerator)", 1, Limits.MaxBatch);
        var decay = OptionFactory.Float("--decay", "L2 decay of the image per step", new NumberRange(0, 1, MaxOpen: true), FilterSettings.DefaultDecay);
        var blurEvery = OptionFactory.Int("--blur-every", "blur the images every K steps, 0 for never", 0, Limits.MaxSteps, FilterSettings.DefaultBlurEvery);
        var blurSigma = OptionFactory.Float("--blur-sigma", "sigma in pixels of that blur", NumberRange.From(0, OctaveSchedule.MaxSigma), FilterSettings.DefaultBlurSigma);
        var command = new Command("filters", "Visualize filters by maximizing their mean activation; one PNG each and a contact sheet.")
        {
            layer, start, end, size, iterations, stepSize, batch, decay, blurEvery, blurSigma,
        };
        render.AddTo(command);
        common.AddTo(command);
        command.SetAction(result =>
        {
            var (first, lastGiven, steps, step) = (result.GetValue(start), result.GetValue(end), result.GetValue(iterations), result.GetValue(stepSize));
            var (decayFactor, blurPeriod, sigma) = (result.GetValue(decay), result.GetValue(blurEvery), result.GetValue(blurSigma));
            if (lastGiven < first) throw new UserException($"--filter-start {first} is after --filter-end {lastGiven}");

            using var session = common.Open(result, output);
            var network = session.Network;
            var target = network.Resolve(result.GetValue(layer)!);
            var pixels = result.GetValue(size) ?? network.Info.DefaultSize;
            var minimum = InputSize.Minimum(network, [target]);
            if (pixels < minimum) throw new UserException($"--size {pixels} is too small for this {network.Info.Arch}: it needs at least {minimum}");
            if (!InputSize.Fits(network, pixels, [target]))
                throw new UserException($"--size {pixels} does not fit this {network.Info.Arch} up to {target.Name}: square sizes that fit: {network.SizesThatFit([target])}");
            if (network.ChannelsLastProblem(target, network.OutputShapes(1, pixels, pixels, [target])) is { } problem) throw new UserException(problem);
            var name = PathName.Of(target.Name);
            var count = FilterMaximization.Count(network, target, pixels);
            var kind = network.OutputShapes(1, pixels, pixels, [target])[target.Index].Length == 4 ? "channels" : "units";
            var last = lastGiven ?? count - 1;
            if (first >= count || last >= count)
                throw new UserException($"filter {Math.Max(first, last)} is beyond {name} ({target.Address}), which has {count} {kind}: 0 to {count - 1}");
            var filters = Enumerable.Range(first, last - first + 1).ToList();
            var perFilter = FilterMaximization.BytesPerFilter(network, target, pixels);
            var budget = FilterMaximization.MemoryBudget(session.Device);
            var batchSize = Math.Min(filters.Count, result.GetValue(batch) ?? FilterMaximization.BatchThatFits(network, target, pixels, budget));
            output.WriteLine($"filters: {name} {kind} {first}-{last} at {pixels}x{pixels}, batches of {batchSize} " +
                $"({perFilter / 1024.0 / 1024.0:F2} MiB each, budget {budget >> 20} MiB)");

            string FileName(int filter) => $"{name}-filter-{filter:D4}";
            var sheet = new ContactSheet([.. filters.Select(f => f.ToString())], network.Info.InputChannels, pixels, pixels);
            void Place(int filter, PlanarImage tile)
            {
                ImageSaver.SavePng(tile, session.OutPath(FileName(filter) + ".png"));
                sheet.Place(filter - first, tile);
            }
            IReadOnlyList<FilterActivation> activations;
            // Lucid's recipe when asked for, and by default on models large enough for its transforms.
            if (render.Given(result) || pixels >= LucidSize)
            {
                var renderSettings = render.Settings(result, pixels, steps, network.Info.InputChannels);
                output.WriteLine($"filters: {renderSettings.Recipe}");
                activations = RenderFilters(session, target.Address, filters, batchSize, renderSettings, Place);
            }
            else
            {
                var settings = new FilterSettings(pixels, steps, InputSize.PixelLevels(network.Info, step), decayFactor, blurPeriod, sigma);
                activations = FilterMaximization.Run(network, target, filters, batchSize, settings, session.Random,
                    (optimizer, chunk) => session.Optimize(optimizer, steps, $"filters {chunk[0]}-{chunk[^1]}", n => FileName(chunk[n])),
                    (chunk, images) =>
                    {
                        var data = images.ToArray();
                        for (var n = 0; n < chunk.Count; n++) Place(chunk[n], ImageSaver.ToPixels(data, n, images.C, images.H, images.W, network.Info));
                    });
            }
            foreach (var a in activations)
                output.WriteLine($"filter {a.Filter}: mean activation {a.Start:G4} -> {a.End:G4}");
            var sheetPath = session.OutPath($"{name}-filters-{first}-{last}.png");
            ImageSaver.SavePng(sheet.Image, sheetPath);
            output.WriteLine($"wrote {filters.Count} filter images ({FileName(first)}.png ...) and the contact sheet {sheetPath}");
            return 0;
        });
        return command;
    }

    /// <summary>From this image size on, filters are rendered with Lucid's recipe unless the options say otherwise.</summary>
    public const int LucidSize = 64;

    /// <summary>Each batch of filters as one render: image n maximizes its filter's mean, <c>layer:f@n</c>.</summary>
    private static List<FilterActivation> RenderFilters(Session session, string layer, List<int> filters, int batch, RenderSettings settings,
        Action<int, PlanarImage> place)
    {
        var activations = new List<FilterActivation>();
        foreach (var chunk in filters.Chunk(batch))
        {
            var objective = chunk.Select((f, n) => Objective.Channel(layer, f).At(n)).Aggregate((a, b) => a + b);
            var rendered = Renderer.Run(session.Network, objective, chunk.Length, settings, session.Random, run: (optimizer, _) =>
                session.Progress.Track($"filters {chunk[0]}-{chunk[^1]}", report =>
                    optimizer.Run(settings.Steps, Math.Max(1, settings.Steps / 50), session.Random, report)));
            for (var n = 0; n < chunk.Length; n++)
            {
                place(chunk[n], PlanarImage.FromRender(rendered, n, session.Network.Info));
                activations.Add(new FilterActivation(chunk[n], rendered.Start[n], rendered.End[n]));
            }
        }
        return activations;
    }
}
