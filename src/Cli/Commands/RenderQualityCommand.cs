using System.CommandLine;
using System.Globalization;
using DeepVis.Images;
using DeepVis.Nets;
using DeepVis.Nets.Files;
using DeepVis.Optim;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Quality;
using DeepVis.Optim.Parameterization;
using DeepVis.Optim.Render;
using DeepVis.Optim.Transforms;

namespace DeepVis.Cli.Commands;

/// <summary>One recipe's measures on one layer, averaged over its channels.</summary>
public sealed record RenderQualityRow(string Layer, string Recipe, double Activation, int PhotoChannels, double Robustness, double HighFrequency);

/// <summary>
/// <c>deepvis render-quality</c>: compares raw pixels with the other verbs' normalized step
/// and no transforms with Lucid's recipe (fft + decorrelation + standard transforms + Adam) on the
/// first channels of some layers: (a) the channel mean reached over the largest mean any photo gives
/// that channel, (b) the share of it kept under a shift of 8 px, scaling by 0.9 and 1.1 and a rotation
/// of 10 degrees, (c) the share of spectral energy above half the Nyquist frequency. Writes a Markdown table.
/// </summary>
public static class RenderQualityCommand
{
    public static Command Create(TextWriter output)
    {
        var common = new CommonOptions();
        var layers = new Option<string[]>("--layers") { Description = "layers to measure, e.g. layer2 layer3 layer4", Required = true, AllowMultipleArgumentsPerToken = true };
        var channels = OptionFactory.Int("--channels", "channels per layer, from 0", 1, Limits.MaxChannel, 16);
        var size = OptionFactory.Int("--size", "image size", 1, Limits.MaxSize, 128);
        var steps = OptionFactory.Int("--steps", "steps of both recipes", 1, Limits.MaxSteps, 256);
        var photos = new Option<string>("--photos") { Description = "folder of photos for the activation scale", DefaultValueFactory = _ => "samples" };
        var report = new Option<string?>("--report") { Description = "also write the Markdown table to this file" };
        var command = new Command("render-quality", "Compare raw pixels (normalized step, no transforms) with Lucid's recipe: activation, robustness, high-frequency energy.")
        {
            layers, channels, size, steps, photos, report,
        };
        common.AddTo(command);
        command.SetAction(result =>
        {
            var (count, pixels, iterations) = (result.GetValue(channels), result.GetValue(size), result.GetValue(steps));
            var folder = result.GetValue(photos)!;
            if (!Directory.Exists(folder)) throw new UserException($"--photos: folder '{folder}' does not exist");
            var photoFiles = Directory.GetFiles(folder).Where(ImageLoader.IsImage).Order().ToList();
            if (photoFiles.Count == 0) throw new UserException($"--photos: '{folder}' holds no images");
            var reportPath = result.GetValue(report);
            if (reportPath is not null) Options.WritableOutput(reportPath);

            using var session = common.Open(result, output);
            var network = session.Network;
            var targets = result.GetValue(layers)!.Select(network.Resolve).ToList();
            var minimum = InputSize.Minimum(network, targets);
            if (pixels < minimum) throw new UserException($"--size {pixels} is too small for this {network.Info.Arch}: it needs at least {minimum}");
            var photoInputs = session.LoadImages(photoFiles, pixels, pixels);
            var rows = new List<RenderQualityRow>();
            foreach (var layer in targets)
            {
                var width = FilterMaximization.Count(network, layer, pixels);
                var chosen = Enumerable.Range(0, Math.Min(count, width)).ToList();
                var best = BestPhotoMeans(network, layer, photoInputs, photoFiles.Count, pixels, chosen);
                int[] shape = [chosen.Count, network.Info.InputChannels, pixels, pixels];
                var objective = chosen.Select((c, n) => Objective.Channel(layer.Address, c).At(n)).Aggregate((a, b) => a + b);
                foreach (var recipe in Recipes(pixels, network.Info.InputChannels, iterations))
                {
                    var rendered = session.Progress.Track($"{recipe.Parameterization.Name} {layer.Name}", report =>
                        Renderer.Run(network, objective, chosen.Count, recipe, session.Random, run: (optimizer, _) =>
                            optimizer.Run(iterations, Math.Max(1, iterations / 50), session.Random, report)));
                    rows.Add(Measure(network, layer, recipe.Recipe, rendered.Pixels, shape, chosen, best));
                }
            }
            var table = Table(network.Info.Arch, rows, chosen: count, pixels, iterations, photoFiles.Count);
            output.Write(table);
            if (reportPath is not null) OutputFile.WriteText(reportPath, table);
            return 0;
        });
        return command;
    }

    /// <summary>
    /// The two recipes compared: raw pixels with the other verbs' normalized step and no transforms (what
    /// <c>render --param pixel --decorrelate false --transforms none --optimizer normalized</c> runs), and Lucid's.
    /// </summary>
    private static RenderSettings[] Recipes(int size, int channels, int steps) =>
    [
        new(size, steps, ParameterizationSettings.Pixels, TransformChain.None, RenderOptimizer.Normalized, RenderSettings.DefaultLearningRate),
        RenderSettings.Lucid(size, channels, steps),
    ];

    /// <summary>Per channel, the largest mean any photo gives it.</summary>
    private static float[] BestPhotoMeans(Network network, NetworkLayer layer, float[] photoInputs, int photos, int size, List<int> channels)
    {
        int[] shape = [photos, network.Info.InputChannels, size, size];
        using var inputs = Kernels.Runtime.Tensor.FromArray(network.Device, photoInputs, shape);
        return [.. channels.Select(c => FeatureVisQuality.ChannelMeans(network, layer, inputs, Enumerable.Repeat(c, photos).ToList()).Max())];
    }

    private static RenderQualityRow Measure(Network network, NetworkLayer layer, string recipe, float[] pixels, int[] shape, List<int> channels, float[] best)
    {
        var reached = FeatureVisQuality.PixelChannelMeans(network, layer, pixels, shape, channels);
        // A channel no photo excites has no scale: it is left out of (a) and counted.
        var scaled = reached.Select((r, n) => (r, b: best[n])).Where(p => p.b > 0).Select(p => (double)p.r / p.b).ToList();
        return new RenderQualityRow(layer.Name, recipe,
            scaled.Count > 0 ? scaled.Average() : double.NaN, scaled.Count,
            Average(FeatureVisQuality.Robustness(network, layer, pixels, shape, channels)),
            FeatureVisQuality.HighFrequencyShare(network.Device, pixels, shape).Average());
    }

    /// <summary>The mean of the defined values (NaN when none is).</summary>
    private static double Average(double[] values) => values.Where(v => !double.IsNaN(v)).DefaultIfEmpty(double.NaN).Average();

    private static string Table(string arch, List<RenderQualityRow> rows, int chosen, int size, int steps, int photos)
    {
        static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.00", CultureInfo.InvariantCulture);
        var lines = new List<string>
        {
            $"Feature visualization on {arch}: channels 0-{chosen - 1} of each layer, {size} px, {steps} steps; (a) over the best of {photos} photos.",
            "",
            "| layer | recipe | (a) activation / best photo | (b) kept under shift, scale, rotation | (c) energy above half Nyquist |",
            "| --- | --- | --- | --- | --- |",
        };
        lines.AddRange(rows.Select(r => $"| {r.Layer} | {r.Recipe} | {F(r.Activation)} ({r.PhotoChannels} channels) | {F(r.Robustness)} | {F(r.HighFrequency)} |"));
        return string.Join('\n', lines) + "\n";
    }
}
