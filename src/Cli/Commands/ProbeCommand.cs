using System.CommandLine;
using DeepVis.Images;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Files;
using PureHDF;

namespace DeepVis.Cli.Commands;

/// <summary>
/// <c>deepvis probe</c>: a layer's activation and d(0.5 * sum(activation^2)) / d input, written to
/// HDF5 for cross-checking against other frameworks.
/// </summary>
public static class ProbeCommand
{
    public static Command Create(TextWriter output)
    {
        var weights = Options.Weights();
        var input = new Option<string?>("--input") { Description = "HDF5 file with a float32 dataset 'input' (N, C, H, W), already normalized" };
        var image = new Option<string?>("--image") { Description = "an image file instead of --input, normalized as the model expects" };
        var layer = new Option<string>("--layer") { Description = "layer address, alias or index (see 'deepvis layers')", Required = true };
        var outPath = new Option<string>("--out") { Description = "HDF5 file to write: datasets 'activation' and 'gradient'", Required = true };
        var device = App.DeviceOption();
        var command = new Command("probe", "Write a layer's activation and the input gradient of 0.5*||activation||^2 to HDF5.")
        {
            weights, input, image, layer, outPath, device,
        };
        OptionFactory.Exclusive(command, input, image, oneRequired: true);
        command.SetAction(result =>
        {
            var (inputPath, imagePath) = (result.GetValue(input), result.GetValue(image));
            var target = Options.WritableOutput(result.GetValue(outPath)!, inputPath, imagePath, result.GetValue(weights));
            using var dev = Device.Open(result.GetValue(device));
            using var network = Model.OpenNetwork(dev, result.GetValue(weights)!, output);
            var (data, shape) = inputPath is not null ? ReadInput(inputPath) : ReadImage(imagePath!, network);
            if (shape[1] != network.Info.InputChannels)
                throw new UserException($"input has {shape[1]} channels, {network.Info.Arch} takes {network.Info.InputChannels}");
            var address = network.Resolve(result.GetValue(layer)!);
            using var workspace = new Workspace(network, shape, address);
            workspace.Input.CopyFrom(data);
            workspace.Forward();
            workspace.Output.CopyTo(workspace.OutputGradient); // d(0.5 * sum a^2) / da = a
            workspace.Backward();
            Write(target, workspace.Output, workspace.InputGradient);
            output.WriteLine($"{address.Address}: activation {workspace.Output.ShapeText}, gradient {workspace.InputGradient.ShapeText} -> {target}");
            return 0;
        });
        return command;
    }

    private static (float[] Data, int[] Shape) ReadInput(string path)
    {
        Options.ExistingFile(path, "input file");
        try
        {
            using var file = H5File.OpenRead(path);
            var dataset = file.Dataset("input");
            var shape = Array.ConvertAll(dataset.Space.Dimensions, d => (int)d);
            if (shape.Length != 4) throw new UserException($"input file '{path}': dataset 'input' has shape {Tensor.Format(shape)}, expected (N, C, H, W)");
            return (dataset.Read<float[]>(), shape);
        }
        catch (Exception e) when (e is not UserException and not OutOfMemoryException)
        {
            throw new UserException($"input file '{path}': expected HDF5 with a float32 dataset 'input' (N, C, H, W): {e.Message.Split('\n')[0]}");
        }
    }

    private static (float[] Data, int[] Shape) ReadImage(string path, Network network)
    {
        var image = ImageLoader.Load(path, network.Info.InputChannels);
        return (network.Info.Normalize(image.Data, image.Height * image.Width), [1, image.Channels, image.Height, image.Width]);
    }

    private static void Write(string path, Tensor activation, Tensor gradient)
    {
        var file = new H5File
        {
            ["activation"] = new H5Dataset(activation.ToArray(), fileDims: Array.ConvertAll(activation.Shape.ToArray(), d => (ulong)d)),
            ["gradient"] = new H5Dataset(gradient.ToArray(), fileDims: Array.ConvertAll(gradient.Shape.ToArray(), d => (ulong)d)),
        };
        OutputFile.Write(path, stream => file.Write(stream));
    }
}
