using DeepVis.WeightsConverter;
using DeepVis.Nets.Weights;

namespace DeepVis.Tests.Converter;

public sealed class KerasWeightsReaderTests : ConverterFiles
{
    private static readonly string[] Vgg16Layers =
    [
        "block1_conv1", "block1_conv2", "block2_conv1", "block2_conv2",
        "block3_conv1", "block3_conv2", "block3_conv3", "block4_conv1", "block4_conv2", "block4_conv3",
        "block5_conv1", "block5_conv2", "block5_conv3", "fc1", "fc2", "predictions",
    ];

    [Fact]
    public void Reads_the_16_vgg16_layers_with_hwio_kernels()
    {
        var layers = KerasWeights.Read(Fixture("vgg16-narrow-keras.h5"));
        Assert.Equal(Vgg16Layers, layers.Select(l => l.Name));
        var first = layers[0];
        Assert.Equal(["block1_conv1/kernel:0", "block1_conv1/bias:0"], first.Weights.Select(w => w.Name));
        Assert.Equal([3, 3, 3, 4], first.Weights[0].Shape);
        Assert.Equal([4], first.Weights[1].Shape);
        Assert.Equal([3, 3, 32, 32], layers[12].Weights[0].Shape);
        Assert.Equal([32 * 49, 32], layers[13].Weights[0].Shape);
        Assert.Equal([32, 10], layers[15].Weights[0].Shape);
    }

    [Fact]
    public void Values_equal_the_pth_after_the_layout_transform()
    {
        var layers = KerasWeights.Read(Fixture("vgg16-narrow-keras.h5"));
        var torch = TorchStateDict.Read(Fixture("vgg16-narrow.pth"));
        Assert.Equal(2 * layers.Count, torch.Count); // weight and bias per layer, same order
        for (var l = 0; l < layers.Count; l++)
        {
            var (kernel, bias) = (layers[l].Weights[0], layers[l].Weights[1]);
            var (weight, torchBias) = (torch[2 * l], torch[2 * l + 1]);
            Assert.Equal(torchBias.Data, bias.Data);
            if (kernel.Shape.Length == 4)
            {
                // HWIO [kh, kw, in, out] against OIHW [out, in, kh, kw].
                var (kh, kw, ci, co) = (kernel.Shape[0], kernel.Shape[1], kernel.Shape[2], kernel.Shape[3]);
                Assert.Equal([co, ci, kh, kw], weight.Shape);
                for (var o = 0; o < co; o++)
                for (var i = 0; i < ci; i++)
                for (var y = 0; y < kh; y++)
                for (var x = 0; x < kw; x++)
                    Assert.Equal(weight.Data[((o * ci + i) * kh + y) * kw + x], kernel.Data[((y * kw + x) * ci + i) * co + o]);
            }
            else
            {
                // Dense [in, out] against [out, in]; fc1's rows are H,W,C where torchvision flattens C,H,W.
                var (inputs, outputs) = (kernel.Shape[0], kernel.Shape[1]);
                Assert.Equal([outputs, inputs], weight.Shape);
                var channels = layers[l].Name == "fc1" ? inputs / 49 : 0;
                for (var o = 0; o < outputs; o++)
                for (var r = 0; r < inputs; r++)
                {
                    var column = channels == 0 ? r : r % channels * 49 + r / channels;
                    Assert.Equal(weight.Data[o * inputs + column], kernel.Data[r * outputs + o]);
                }
            }
        }
    }

    [Fact]
    public void Random_bytes_are_not_hdf5()
    {
        var bytes = new byte[4096];
        new Random(5).NextBytes(bytes);
        AssertRefused(Scratch("random.h5", bytes), "not an HDF5 file (expected Keras weights in HDF5)");
    }

    [Fact]
    public void Empty_file_is_not_hdf5() =>
        AssertRefused(Scratch("empty.h5", []), "not an HDF5 file");

    [Fact]
    public void A_pth_is_not_hdf5() =>
        AssertRefused(Fixture("vgg16-narrow.pth"), "not an HDF5 file");

    [Fact]
    public void Truncated_file_is_refused()
    {
        var bytes = File.ReadAllBytes(Fixture("vgg16-narrow-keras.h5"));
        AssertRefused(Scratch("half.h5", bytes[..(bytes.Length / 2)]), "cannot read as Keras HDF5 weights");
    }

    [Fact]
    public void Hdf5_without_layer_names_is_refused() =>
        AssertRefused(Fixture("vgg16-narrow-ref.h5"), "no layer_names attribute (expected Keras weights");

    private static void AssertRefused(string path, string expected)
    {
        var ex = Assert.Throws<WeightsFormatException>(() => KerasWeights.Read(path));
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.Contains(expected, ex.Message);
        Assert.DoesNotContain('\n', ex.Message);
    }
}
