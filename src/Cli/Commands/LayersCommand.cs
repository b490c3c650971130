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
        var size = new Option<int?>("--size") { Description = "input height and width (default: the model's default size)" };
        var device = App.DeviceOption();
        var command = new Command("layers", "List a network's layers: index, address, aliases, type, output shape, parameters.")
        {
            weights, size, device,
        };
        command.SetAction(result =>
        {
            using var dev = Device.Open(result.GetValue(device));
            using var network = Options.LoadNetwork(dev, result.GetValue(weights)!, output);
            var side = result.GetValue(size) ?? network.Info.DefaultSize;
            if (side < 1) throw new UserException($"--size must be a positive number of pixels, got {side}");
            Print(network, side, output);
            return 0;
        });
        return command;
    }

    private static void Print(Network network, int side, TextWriter output)
    {
        var info = network.Info;
        output.WriteLine($"{FileText.Escape(info.Arch)}: input {info.InputChannels}x{side}x{side} ({info.ColorOrder}, range 0..{info.InputRange}), {info.ClassCount} classes");
        var (shapes, misfit) = Shapes(network, side);
        if (shapes.All(shape => shape is null)) throw new UserException($"input size {side}x{side} does not fit {info.Arch}: {misfit}");
        var rows = network.Layers.Select(l => new[]
        {
            // Names come from the model file: escaped, so a terminal obeys none of their control characters.
            l.Index.ToString(), FileText.Escape(l.Address), FileText.Escape(string.Join(", ", l.Aliases), 1000), l.Layer.Type, l.Layer.Details,
            Inputs(l), shapes[l.Index] is { } shape ? Tensor.Format(shape) : "does not fit", l.Layer.ParameterCount.ToString("N0"), FileText.Escape(l.Note),
        }).ToList();
        string[] header = ["index", "address", "aliases", "type", "details", "inputs", "output", "parameters", "note"];
        var widths = header.Select((h, c) => Math.Max(h.Length, rows.Max(r => r[c].Length))).ToArray();
        output.WriteLine(string.Join("  ", header.Select((h, c) => h.PadRight(widths[c]))).TrimEnd());
        foreach (var row in rows) output.WriteLine(string.Join("  ", row.Select((v, c) => v.PadRight(widths[c]))).TrimEnd());
        output.WriteLine($"total parameters: {network.Layers.Sum(l => l.Layer.ParameterCount):N0}");
        if (misfit is not null) output.WriteLine($"at {side}x{side} the layers marked 'does not fit' cannot run; the first: {misfit}");
        if (network.Layers.Any(l => l.Layer.Type.Contains('+')))
            output.WriteLine("Conv2d+BatchNorm2d: the BatchNorm was folded into the convolution when the network was loaded; " +
                "the node answers to the BatchNorm's address, and the convolution's own address names it in an error.");
    }

    /// <summary>
    /// Each node's output shape at the size, null for a node that does not fit or reads one that does
    /// not (a graph's later layers may need a particular size), and the first misfit's message.
    /// </summary>
    private static (int[]?[] Shapes, string? Misfit) Shapes(Network network, int side)
    {
        var input = new[] { 1, network.Info.InputChannels, side, side };
        var shapes = new int[]?[network.Layers.Count];
        string? misfit = null;
        foreach (var l in network.Layers)
        {
            var reads = l.Inputs.Select(i => i == Network.InputIndex ? input : shapes[i]).ToList();
            if (reads.Any(shape => shape is null)) continue;
            try
            {
                shapes[l.Index] = l.Layer.OutputShape([.. reads.Select(shape => shape!)]);
            }
            catch (ShapeException e)
            {
                misfit ??= $"{FileText.Escape(l.Address)}: {FileText.Escape(e.Message)}";
            }
        }
        return (shapes, misfit);
    }

    /// <summary>The indices of the nodes a node reads, "input" for the network input.</summary>
    private static string Inputs(NetworkLayer l) =>
        string.Join(",", l.Inputs.Select(i => i == Network.InputIndex ? "input" : i.ToString()));
}
