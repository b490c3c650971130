using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.Tests.Support;

/// <summary>Small random weight files for tests of loading and addressing.</summary>
public static class TestWeights
{
    /// <summary>A mini-vgg (grayscale, 4 and 8 channels, 16 hidden units, 10 classes) with seeded random weights.</summary>
    public static WeightsFile MiniVgg(int seed = 1)
    {
        var rng = new Random(seed);
        WeightTensor T(string name, params int[] shape)
        {
            var data = new float[shape.Aggregate(1, (a, b) => a * b)];
            for (var i = 0; i < data.Length; i++) data[i] = (float)(rng.NextDouble() - 0.5);
            return new WeightTensor(name, shape, data);
        }
        var info = new ModelInfo("mini-vgg", 1, [0.5f], [0.25f], 28, 10, Classes: [.. Enumerable.Range(0, 10).Select(i => $"class {i}")]);
        return new WeightsFile(info,
        [
            T("features.0.weight", 4, 1, 3, 3), T("features.0.bias", 4),
            T("features.2.weight", 4, 4, 3, 3), T("features.2.bias", 4),
            T("features.5.weight", 8, 4, 3, 3), T("features.5.bias", 8),
            T("features.7.weight", 8, 8, 3, 3), T("features.7.bias", 8),
            T("classifier.0.weight", 16, 8 * 49), T("classifier.0.bias", 16),
            T("classifier.3.weight", 10, 16), T("classifier.3.bias", 10),
        ]);
    }

    /// <summary>
    /// CNTK's downsampling residual block as a stored graph (RGB, 4 channels): a 3x3 stride-2
    /// convolution padded only before (pads [1, 1, 0, 0]) added to a 1x1 stride-2 shortcut. The two
    /// agree only on even sides, as the real ResNet-18's stages agree only on multiples of 32.
    /// </summary>
    public static WeightsFile AsymmetricBlock()
    {
        var rng = new Random(3);
        WeightTensor T(string name, params int[] shape) =>
            new(name, shape, [.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(rng.NextDouble() - 0.5))]);
        GraphNode[] nodes =
        [
            new("main", "Conv", [Network.InputName], null, new Dictionary<string, double[]> { ["kernel"] = [3, 3], ["stride"] = [2, 2], ["pads"] = [1, 1, 0, 0] }),
            new("shortcut", "Conv", [Network.InputName], null, new Dictionary<string, double[]> { ["kernel"] = [1, 1], ["stride"] = [2, 2] }),
            new("sum", "Add", ["main", "shortcut"], ["block"]),
            new("relu", "Relu", ["sum"]),
        ];
        var info = new ModelInfo("cntk-block", 3, [0.5f, 0.5f, 0.5f], [0.25f, 0.25f, 0.25f], 32, 0, Graph: StoredGraph.Serialize(nodes));
        return new WeightsFile(info, [T("main.weight", 4, 3, 3, 3), T("main.bias", 4), T("shortcut.weight", 4, 3, 1, 1), T("shortcut.bias", 4)]);
    }

    /// <summary>The same file with one tensor replaced (or removed when <paramref name="shape"/> is null).</summary>
    public static WeightsFile With(this WeightsFile file, string name, int[]? shape)
    {
        var tensors = file.Tensors.Where(t => t.Name != name).ToList();
        if (shape is not null) tensors.Add(new WeightTensor(name, shape, new float[shape.Aggregate(1, (a, b) => a * b)]));
        return new WeightsFile(file.Info, tensors);
    }

    /// <summary>A fresh temporary folder, deleted on dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("deepvis-test-").FullName;
        public string File(string name) => System.IO.Path.Combine(Path, name);

        /// <summary>The random <see cref="MiniVgg"/> written as mini.h5 in this folder (once), for commands that take --weights.</summary>
        public string MiniVgg()
        {
            var path = File("mini.h5");
            if (!System.IO.File.Exists(path)) TestWeights.MiniVgg().Write(path);
            return path;
        }
        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
