using DeepVis.Nets.Weights;

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
