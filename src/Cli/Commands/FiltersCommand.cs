using System.CommandLine;
using DeepVis.Cli.Images;
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
    /// <summary>Device memory for one batch when the device does not report its size (the CPU accelerator).</summary>
    private const long FixedBudget = 256L << 20;

    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var render = new RenderOptions();
        var layer = new Option<string>("--layer")
        {
            Description = "layer whose filters to visualize: a convolution, ReLU or pool (channels) or a linear layer (units)",
            Required = true,
        };
        var start = new Option<int>("--filter-start") { Description = "first filter index (default 0)", DefaultValueFactory = _ => 0 };
        var end = new Option<int?>("--filter-end") { Description = "last filter index, inclusive (default: the layer's last filter)" };
        var size = new Option<int?>("--size") { Description = "image size in pixels, square (default: the model's input size, 28 for the mini-vgg)" };
        var iterations = new Option<int>("--iterations") { Description = $"gradient steps (default {FilterSettings.DefaultIterations})", DefaultValueFactory = _ => FilterSettings.DefaultIterations };
        var stepSize = new Option<float>("--step-size")
        {
            Description = $"step per iteration in pixel levels (0..255) per mean |gradient| (default {FilterSettings.DefaultStepLevels})",
            DefaultValueFactory = _ => FilterSettings.DefaultStepLevels,
        };
        var batch = new Option<int?>("--batch")
        {
            Description = "filters optimized together (default: as many as fit half the device memory, or 256 MiB on the CPU accelerator)",
        };
        var decay = new Option<float>("--decay") { Description = $"L2 decay of the image per step, in [0, 1) (default {FilterSettings.DefaultDecay})", DefaultValueFactory = _ => FilterSettings.DefaultDecay };
        var blurEvery = new Option<int>("--blur-every") { Description = $"blur the images every K steps, 0 for never (default {FilterSettings.DefaultBlurEvery})", DefaultValueFactory = _ => FilterSettings.DefaultBlurEvery };
        var blurSigma = new Option<float>("--blur-sigma") { Description = $"sigma in pixels of that blur (default {FilterSettings.DefaultBlurSigma})", DefaultValueFactory = _ => FilterSettings.DefaultBlurSigma };
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
            if (first < 0) throw new UserException($"--filter-start must not be negative, got {first}");
            if (lastGiven < first) throw new UserException($"--filter-start {first} is after --filter-end {lastGiven}");
            if (steps < 1) throw new UserException($"--iterations must be at least 1, got {steps}");
            if (!(step > 0f) || !float.IsFinite(step)) throw new UserException($"--step-size must be positive, got {step}");
            if (result.GetValue(batch) is { } b && b < 1) throw new UserException($"--batch must be at least 1, got {b}");
            if (!(decayFactor >= 0f && decayFactor < 1f)) throw new UserException($"--decay must lie in [0, 1), got {decayFactor}");
            if (blurPeriod < 0) throw new UserException($"--blur-every must not be negative, got {blurPeriod}");
            if (!(sigma >= 0f) || !float.IsFinite(sigma)) throw new UserException($"--blur-sigma must not be negative, got {sigma}");

            using var session = common.Open(result, output);
            var network = session.Network;
            var target = network.Resolve(result.GetValue(layer)!);
            var pixels = result.GetValue(size) ?? network.Info.DefaultSize;
            var minimum = InputSize.Minimum(network, [target]);
            if (pixels < minimum) throw new UserException($"--size {pixels} is too small for this {network.Info.Arch}: it needs at least {minimum}");
            if (!InputSize.Fits(network, pixels, [target]))
                throw new UserException($"--size {pixels} does not fit this {network.Info.Arch} up to {target.Name}: square sizes that fit: {network.SizesThatFit([target])}");
            var name = PathName.Of(target.Name);
            var count = FilterMaximization.Count(network, target, pixels);
            var kind = network.OutputShapes(1, pixels, pixels, [target])[target.Index].Length == 4 ? "channels" : "units";
            var last = lastGiven ?? count - 1;
            if (first >= count || last >= count)
                throw new UserException($"filter {Math.Max(first, last)} is beyond {name} ({target.Address}), which has {count} {kind}: 0 to {count - 1}");
            var filters = Enumerable.Range(first, last - first + 1).ToList();
            var perFilter = FilterMaximization.BytesPerFilter(network, target, pixels);
            var budget = Budget(session.Device);
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
                place(chunk[n], RenderOptions.Picture(rendered, n, session.Network.Info));
                activations.Add(new FilterActivation(chunk[n], rendered.Start[n], rendered.End[n]));
            }
        }
        return activations;
    }

    /// <summary>Half the device's memory when it reports it, else a fixed budget (the CPU accelerator reports none that means anything).</summary>
    public static long Budget(Device device) =>
        device.IsCpu ? FixedBudget : device.Accelerator.MemorySize / 2;
}
