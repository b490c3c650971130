using DeepVis.Nets;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;
using PureHDF;

namespace DeepVis.Tests.Nets;

/// <summary>
/// PyTorch-exported ONNX files of the narrow graph fixtures and of a small module with Pad, Clip,
/// pools with ceil_mode and count_include_pad, the x.view(n, -1) chain, Gemm, MatMul + Add and a final
/// Softmax (weights-converter/fixtures/make_onnx_fixtures.py), at opsets 10, 11 and 13, with BatchNorm
/// folded by the exporter and kept, and of the narrow squeeze-excitation families (make_se_fixtures.py,
/// opsets 11, 13 and 17): activations found by module path, the logits and input gradients
/// must match PyTorch's (the -ref.h5 files), with the CPU kernels and the ILGPU ones.
/// </summary>
public abstract class OnnxFixtureTests(DeviceFixture fixture, Implementation implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : OnnxFixtureTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : OnnxFixtureTests(fixture, Implementation.Ilgpu);

    private const double Tolerance = 1e-4;

    /// <summary>
    /// File, reference, and the addresses whose reference is a convolution's output before the BatchNorm
    /// that the exporter folded into it (the ONNX node of that name computes both).
    /// </summary>
    public static TheoryData<string, string, string[]> Files => new()
    {
        { "resnet18-narrow-opset11", "resnet18-narrow", ["conv1", "layer1.0.conv1", "layer2.0.downsample.0", "layer3.0.conv2", "layer3.0.downsample.0"] },
        { "resnet18-narrow-opset13-bn", "resnet18-narrow", [] },
        { "mobilenet_v2-narrow-opset13", "mobilenet_v2-narrow", ["features.0.0", "features.2.conv.0.0", "features.2.conv.1", "features.18.0"] },
        { "squeezenet1_1-narrow-opset11-bn", "squeezenet1_1-narrow", [] },
        { "densenet121-narrow-opset13-bn", "densenet121-narrow", [] },
        { "ops-opset10", "ops", [] },
        { "ops-opset11", "ops", [] },
        { "ops-opset13", "ops", [] },
        { "efficientnet_b0-narrow-opset11", "efficientnet_b0-narrow", ["features.0.0"] },
        { "efficientnet_b0-narrow-opset13", "efficientnet_b0-narrow", ["features.0.0"] },
        { "efficientnet_b0-narrow-opset17", "efficientnet_b0-narrow", ["features.0.0"] },
        { "efficientnet_v2_s-narrow-opset17", "efficientnet_v2_s-narrow", [] },
        { "mobilenet_v3_large-narrow-opset11", "mobilenet_v3_large-narrow", ["features.0.0"] },
        { "mobilenet_v3_large-narrow-opset13", "mobilenet_v3_large-narrow", ["features.0.0"] },
        { "mobilenet_v3_large-narrow-opset17", "mobilenet_v3_large-narrow", ["features.0.0"] },
        { "mobilenet_v3_small-narrow-opset17", "mobilenet_v3_small-narrow", [] },
        { "regnet_y-narrow-opset17", "regnet_y-narrow", ["stem.0"] },
        { "regnet_x-narrow-opset17", "regnet_x-narrow", ["stem.0"] },
        { "mnasnet-narrow-opset17", "mnasnet-narrow", ["layers.0"] },
        { "shufflenet_v2-narrow-opset11", "shufflenet_v2-narrow", [] },
        { "shufflenet_v2-narrow-opset13", "shufflenet_v2-narrow", [] },
        { "shufflenet_v2-narrow-opset17", "shufflenet_v2-narrow", [] },
        { "shufflenet_v2_x0_5-narrow-opset13", "shufflenet_v2_x0_5-narrow", [] },
        { "convnext-narrow-opset11", "convnext-narrow", [] },
        { "convnext-narrow-opset13", "convnext-narrow", [] },
        { "convnext-narrow-opset17", "convnext-narrow", [] },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Activations_logits_and_input_gradients_match_pytorch(string file, string referenceName, string[] foldedConvolutions)
    {
        // Import is device-independent; the simulator is slow, so it runs each network once (its last export listed).
        Assert.SkipWhen(implementation == Implementation.Ilgpu && Files.Last(row => row.Data.Item2 == referenceName).Data.Item1 != file,
            "another opset of this network runs on the simulator; the import is device-independent");
        var weights = ModelConverter.Convert(Fixtures.Path($"{file}.onnx"), new ConvertOptions());
        using var network = Network.Build(fixture.For(implementation), weights);
        using var reference = H5File.OpenRead(Fixtures.Path($"{referenceName}-ref.h5"));
        var input = reference.Dataset("input");
        var shape = Array.ConvertAll(input.Space.Dimensions, d => (int)d);
        var x = input.Read<float[]>();

        var targets = new List<(string Address, NetworkLayer Layer)>();
        foreach (var address in reference.Group("activation").Children().Select(c => c.Name).Except(foldedConvolutions))
        {
            try
            {
                targets.Add((address, network.Resolve(address)));
            }
            catch (LayerNotFoundException)
            {
                // a BatchNorm the exporter folded away, or a convolution our loader folded one into
            }
        }
        Assert.True(targets.Count >= 7, $"{file}: only {targets.Count} addresses found: {string.Join(", ", targets.Select(t => t.Address))}");
        var last = network.Layers[^1];
        using var workspace = new Workspace(network, shape, [.. targets.Select(t => t.Layer), last]);
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        foreach (var (address, layer) in targets)
            RelativeError.AssertBelow(Tolerance, reference.Dataset($"activation/{address}").Read<float[]>(), workspace.OutputOf(layer.Index).ToArray(), $"{file} {address}");
        RelativeError.AssertBelow(Tolerance, reference.Dataset("logits").Read<float[]>(), workspace.OutputOf(last.Index).ToArray(), $"{file} logits");

        var gradients = reference.Group("gradient").Children().Select(c => c.Name)
            .Where(a => !foldedConvolutions.Contains(a) && targets.Any(t => t.Address == a)).ToList();
        Assert.True(gradients.Count >= 2, $"{file}: only {gradients.Count} gradient addresses found");
        foreach (var address in gradients)
        {
            using var probe = new Workspace(network, shape, network.Resolve(address));
            probe.Input.CopyFrom(x);
            probe.Forward();
            probe.Output.CopyTo(probe.OutputGradient);
            probe.Backward();
            RelativeError.AssertBelow(Tolerance, reference.Dataset($"gradient/{address}").Read<float[]>(), probe.InputGradient.ToArray(), $"{file} {address} input gradient");
        }
    }
}
