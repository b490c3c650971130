using System.Text.Json;
using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Unary;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Layers;

/// <summary>
/// One case of Fixtures/graph-ops-torch.json (weights-converter/fixtures/make_graph_op_fixtures.py):
/// PyTorch's output y and input gradient dx = J^T dy for an input x.
/// </summary>
public sealed record TorchCase(JsonElement Json)
{
    public string Op => Json.GetProperty("op").GetString()!;
    public int[] Shape => Ints("shape");
    public float[] X => Floats("x");
    public float[] Y => Floats("y");
    public float[] Dy => Floats("dy");
    public float[] Dx => Floats("dx");

    public int[] Ints(string name) => [.. Json.GetProperty(name).EnumerateArray().Select(e => e.GetInt32())];
    public float[] Floats(string name) => [.. Json.GetProperty(name).EnumerateArray().Select(e => e.GetSingle())];
    public double Number(string name) => Json.GetProperty(name).GetDouble();
    public bool Flag(string name) => Json.GetProperty(name).GetBoolean();

    public Pool2dSettings Pool
    {
        get
        {
            var (k, s, p) = (Ints("kernel"), Ints("stride"), Ints("pads"));
            return new Pool2dSettings(k[0], k[1], s[0], s[1], p[0], p[1], p[2], p[3], Flag("ceil"));
        }
    }

    public override string ToString() =>
        Op.EndsWith("pool2d", StringComparison.Ordinal) ? $"{Op} {Pool.Text} count_include_pad={Flag("include")} on {Tensor.Format(Shape)}"
        : $"{Op} on {Tensor.Format(Shape)}";

    public static IReadOnlyList<TorchCase> All { get; } = Load();

    private static List<TorchCase> Load()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Fixtures.Path("graph-ops-torch.json")));
        return [.. document.RootElement.GetProperty("cases").EnumerateArray().Select(e => new TorchCase(e.Clone()))];
    }

    public static TheoryData<int> Indices(string prefix)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < All.Count; i++)
            if (All[i].Op.StartsWith(prefix, StringComparison.Ordinal)) data.Add(i);
        return data;
    }
}

/// <summary>The double-precision references the kernel tests trust, against PyTorch (torch 1.13).</summary>
public sealed class GraphOpsReferenceTorchTests
{
    private static double[] D(float[] v) => Array.ConvertAll(v, f => (double)f);

    private static void AssertClose(float[] expected, double[] actual, double tolerance, string what)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: PyTorch has {expected.Length} values, the reference {actual.Length}");
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= tolerance * (1 + Math.Abs(expected[i])),
                $"{what}: element {i} is {actual[i]} in the reference, {expected[i]} in PyTorch");
    }

    public static TheoryData<int> Pools => TorchCase.Indices("");

    [Theory]
    [MemberData(nameof(Pools))]
    public void Reference_matches_pytorch(int index)
    {
        var c = TorchCase.All[index];
        var (x, dy) = (D(c.X), D(c.Dy));
        switch (c.Op)
        {
            case "max_pool2d":
                var (oh, ow) = MaxPool2dReference.OutputSize(c.Shape[2], c.Shape[3], c.Pool);
                Assert.Equal(c.Y.Length, c.Shape[0] * c.Shape[1] * oh * ow);
                AssertClose(c.Y, MaxPool2dReference.Forward(x, c.Shape, c.Pool), 0, $"{c}, forward");
                AssertClose(c.Dx, MaxPool2dReference.Backward(x, c.Shape, dy, c.Pool), 1e-6, $"{c}, backward");
                break;
            case "avg_pool2d":
                AssertClose(c.Y, AvgPool2dReference.Forward(x, c.Shape, c.Pool, c.Flag("include")), 1e-6, $"{c}, forward");
                AssertClose(c.Dx, AvgPool2dReference.Backward(dy, c.Shape, c.Pool, c.Flag("include")), 1e-6, $"{c}, backward");
                break;
            case "batch_norm":
                var (gamma, beta, mean, variance) = (D(c.Floats("gamma")), D(c.Floats("beta")), D(c.Floats("mean")), D(c.Floats("variance")));
                var (scale, shift) = BatchNorm2dReference.Affine(gamma, beta, mean, variance, c.Number("eps"));
                AssertClose(c.Y, BatchNorm2dReference.Normalize(x, c.Shape, gamma, beta, mean, variance, c.Number("eps")), 1e-6, $"{c}, formula");
                AssertClose(c.Y, BatchNorm2dReference.Forward(x, c.Shape, scale, shift), 1e-6, $"{c}, folded");
                AssertClose(c.Dx, BatchNorm2dReference.BackwardInput(dy, c.Shape, scale), 1e-6, $"{c}, backward");
                break;
            case "hardtanh":
                var (min, max) = (c.Number("min"), c.Number("max"));
                AssertClose(c.Y, ClipReference.Forward(x, min, max), 0, $"{c}, forward");
                AssertClose(c.Dx, ClipReference.Backward(x, dy, min, max, false), 0, $"{c}, backward");
                break;
            default:
                Assert.Fail($"unknown op {c.Op} in graph-ops-torch.json");
                break;
        }
    }
}

/// <summary>The kernels themselves on PyTorch's cases, on each implementation.</summary>
public abstract class GraphOpsTorchTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : GraphOpsTorchTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : GraphOpsTorchTests(fixture, Implementation.Ilgpu);

    public static TheoryData<int> Cases => TorchCase.Indices("");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Kernels_match_pytorch(int index)
    {
        var c = TorchCase.All[index];
        var shape = c.Shape;
        var (x, dy) = (Upload(c.X, shape), c.Dy);
        var dx = Poisoned(shape);
        float[] y;
        switch (c.Op)
        {
            case "max_pool2d":
            {
                var outShape = MaxPool2d.OutputShape(shape, c.Pool);
                var output = Poisoned(outShape);
                MaxPool2d.Forward(x, output, c.Pool);
                MaxPool2d.Backward(x, Upload(dy, outShape), dx, c.Pool);
                y = output.ToArray();
                break;
            }
            case "avg_pool2d":
            {
                var outShape = AvgPool2d.OutputShape(shape, c.Pool);
                var output = Poisoned(outShape);
                AvgPool2d.Forward(x, output, c.Pool, c.Flag("include"));
                AvgPool2d.Backward(Upload(dy, outShape), dx, c.Pool, c.Flag("include"));
                y = output.ToArray();
                break;
            }
            case "batch_norm":
            {
                var (scale, shift) = BatchNorm2d.Affine(c.Floats("gamma"), c.Floats("beta"), c.Floats("mean"), c.Floats("variance"), c.Number("eps"));
                var output = Poisoned(shape);
                var scaleT = Upload(scale, shape[1]);
                BatchNorm2d.Forward(x, scaleT, Upload(shift, shape[1]), output);
                BatchNorm2d.BackwardInput(Upload(dy, shape), scaleT, dx);
                y = output.ToArray();
                break;
            }
            case "hardtanh":
            {
                var (min, max) = ((float)c.Number("min"), (float)c.Number("max"));
                var output = Poisoned(shape);
                UnaryKernels.Forward(new Clip(min, max), x, output);
                UnaryKernels.Backward(new Clip(min, max), x, output, Upload(dy, shape), dx);
                y = output.ToArray();
                break;
            }
            default:
                throw new InvalidOperationException($"unknown op {c.Op} in graph-ops-torch.json");
        }
        AssertClose(ToDouble(c.Y), y, 2e-6, $"{c}, forward");
        AssertClose(ToDouble(c.Dx), dx.ToArray(), 2e-6, $"{c}, backward");
    }
}
