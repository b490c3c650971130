using DeepVis.Nets.Weights;
using PureHDF;

namespace DeepVis.Cli.Bench;

/// <summary>
/// A benchmark reference written by bench/pytorch_step.py: a DeepVis weights file whose root also
/// holds <c>input</c> (N, C, H, W, normalized), <c>logits</c> (N, K), <c>input_gradient</c>
/// (d logits[:, class] / d input) and the attribute <c>class_index</c>.
/// </summary>
public sealed record ReferenceFile(WeightsFile Weights, float[] Input, int[] Shape, int ClassIndex, float[] Logits, float[] Gradient)
{
    public static ReferenceFile Read(string path)
    {
        Options.ExistingFile(path, "reference file");
        var weights = WeightsFile.Read(path);
        try
        {
            using var file = H5File.OpenRead(path);
            var input = file.Dataset("input");
            var shape = Array.ConvertAll(input.Space.Dimensions, d => (int)d);
            if (shape.Length != 4) throw new UserException($"reference file '{path}': 'input' has {shape.Length} dimensions, expected (N, C, H, W)");
            return new ReferenceFile(weights, input.Read<float[]>(), shape, file.Attribute("class_index").Read<int>(),
                file.Dataset("logits").Read<float[]>(), file.Dataset("input_gradient").Read<float[]>());
        }
        catch (Exception e) when (e is not UserException and not OutOfMemoryException)
        {
            throw new UserException($"reference file '{path}': expected datasets 'input', 'logits', 'input_gradient' and attribute 'class_index' " +
                $"(see bench/pytorch_step.py): {e.Message.Split('\n')[0]}");
        }
    }
}
