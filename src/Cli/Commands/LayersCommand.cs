using System.CommandLine;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Files;

namespace DeepVis.Cli.Commands;

/// <summary><c>deepvis layers</c>: every layer of a network with its names, type, output shape and parameters.</summary>
public static class LayersCommand
{
    public static Command Create(TextWriter output)
    {
        var weights = Options.Weights();
        var size = OptionFactory.OptionalInt("--size", "input height and width (default: the model's default size)", 1, Limits.MaxSize);
        var device = App.DeviceOption();
        var command = new Command("layers",
            "List a network's layers: index, address, aliases, type, output shape, parameters. Other verbs take a layer's address or alias, " +
            "or '#N' for the layer at index N (a bare N too, where no layer is named N).")
        {
            weights, size, device,
        };
        command.SetAction(result =>
        {
            using var dev = Device.Open(result.GetValue(device));
            using var network = Model.OpenNetwork(dev, result.GetValue(weights)!, output);
            var side = result.GetValue(size) ?? network.Info.DefaultSize;
            Print(network, side, output);
            return 0;
        });
        return command;
    }

    private static void Print(Network network, int side, TextWriter output)
    {
        var info = network.Info;
        output.WriteLine($"{FileText.Escape(info.Arch)}: input {info.InputChannels}x{side}x{side} ({info.ColorOrder}, range 0..{info.InputRange}), {info.ClassCount} classes");
        var layers = LayerInfo.Of(network, side);
        var misfit = layers.FirstOrDefault(l => l.Problem is not null) is { } first ? $"{first.Address}: {first.Problem}" : null;
        if (layers.All(l => l.OutputShape is null)) throw new UserException($"input size {side}x{side} does not fit {info.Arch}: {misfit}");
        var rows = layers.Select(l => new[]
        {
            // Names come from the model file: escaped, so a terminal obeys none of their control characters.
            l.Index.ToString(), FileText.Escape(l.Address), FileText.Escape(string.Join(", ", l.Aliases), 1000), l.Type, l.Details,
            Inputs(l), l.OutputShape is { } shape ? Tensor.Format(shape) : "does not fit", l.Parameters.ToString("N0"), FileText.Escape(l.Note),
        }).ToList();
        string[] header = ["index", "address", "aliases", "type", "details", "inputs", "output", "parameters", "note"];
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        output.WriteLine(string.Join("  ", header.Select((h, c) => h.PadRight(widths[c]))).TrimEnd());
        foreach (var row in rows) output.WriteLine(string.Join("  ", row.Select((v, c) => v.PadRight(widths[c]))).TrimEnd());
        output.WriteLine($"total parameters: {layers.Sum(l => l.Parameters):N0}");
        output.WriteLine("name a layer by its address or an alias; '#N' is the layer at index N (a bare N too, where no layer is named N)");
        if (misfit is not null) output.WriteLine($"at {side}x{side} the layers marked 'does not fit' cannot run; the first: {misfit}");
        if (network.Layers.Any(l => l.Layer.Type.Contains('+')))
            output.WriteLine("Conv2d+BatchNorm2d: the BatchNorm was folded into the convolution when the network was loaded; " +
                "the node answers to the BatchNorm's address, and the convolution's own address names it in an error.");
    }

    /// <summary>The indices of the nodes a node reads, "input" for the network input.</summary>
    private static string Inputs(LayerInfo l) =>
        string.Join(",", l.Inputs.Select(i => i == Network.InputIndex ? "input" : i.ToString()));
}
