// The benchmark step of `deepvis bench` and bench/pytorch_step.py on TorchSharp (libtorch): forward to
// the logits, backward to the input for one class logit (summed over the batch), a normalized step
// x += g / (mean |g| per image + 1e-8), a clamp to the valid pixel range per channel. Frozen weights,
// eval mode. The weights come from a reference file of bench/pytorch_step.py --write-reference, and the
// logits and input gradient of its input are checked against PyTorch's (float64) before anything is
// timed. Output lines match `deepvis bench`'s, so bench/compare_cpu.py reads all three the same way.
//
//   torchsharp-step --reference /tmp/resnet18-ref.h5 --arch resnet18 --batch 1 --size 224 --threads 2
using System.Diagnostics;
using System.Globalization;
using PureHDF;
using TorchSharp;
using static TorchSharp.torch;

var options = Options.Parse(args);
torch.set_num_threads(options.Threads);
var model = Models.Create(options.Arch);
model.eval();
foreach (var parameter in model.parameters()) parameter.requires_grad = false;
var reference = Reference.Read(options.Reference);
Reference.Load(model, options.Reference);

var (logitError, gradientError) = reference.Check(model);
var ok = logitError <= options.Tolerance && gradientError <= options.Tolerance;
Console.WriteLine($"check against {options.Reference} (batch {reference.Shape[0]}, {reference.Shape[2]}x{reference.Shape[3]}): " +
    $"logits relative error {logitError:E2} (max), input gradient {gradientError:E2} (L2): {(ok ? "ok" : "FAILED")}");
if (!ok)
{
    Console.Error.WriteLine($"torchsharp-step: check failed: relative errors above the tolerance {options.Tolerance:G3}");
    return 1;
}

float[] mean = [0.485f, 0.456f, 0.406f], std = [0.229f, 0.224f, 0.225f];
var lo = torch.tensor(mean.Select((m, c) => -m / std[c]).ToArray()).view(1, 3, 1, 1);
var hi = torch.tensor(mean.Select((m, c) => (1 - m) / std[c]).ToArray()).view(1, 3, 1, 1);
torch.manual_seed(options.Seed);
var x = (torch.rand(options.Batch, 3, options.Size, options.Size) - 0.5).requires_grad_(true);

void Step()
{
    using var scope = torch.NewDisposeScope();
    var loss = model.call(x).select(1, options.ClassIndex).sum();
    var g = torch.autograd.grad([loss], [x])[0];
    using (torch.no_grad())
    {
        x.add_(g / (g.abs().mean([1, 2, 3], keepdim: true) + 1e-8));
        x.copy_(torch.maximum(torch.minimum(x, hi), lo));
    }
}

for (var i = 0; i < options.Warmup; i++) Step();
var times = new double[options.Steps];
for (var i = 0; i < options.Steps; i++)
{
    var watch = Stopwatch.StartNew();
    Step();
    times[i] = watch.Elapsed.TotalMilliseconds;
}
var stream = Stopwatch.StartNew();
for (var i = 0; i < options.Steps; i++) Step();
var streamed = stream.Elapsed.TotalMilliseconds / options.Steps;
Array.Sort(times);
var median = options.Steps % 2 == 1 ? times[options.Steps / 2] : (times[options.Steps / 2 - 1] + times[options.Steps / 2]) / 2;
Console.WriteLine($"torchsharp {torch.__version__} on cpu, {torch.get_num_threads()} threads: {options.Arch}, batch {options.Batch}, " +
    $"{options.Size}x{options.Size}, {options.Steps} steps after {options.Warmup} warm-up");
Console.WriteLine($"  {median:F2} ms/step (median, each step synchronized); {streamed:F2} ms/step streamed");
Console.WriteLine($"  {options.Batch * 1000 / median:F1} image-steps/s");
return 0;

/// <summary>The command line: every option has a default except --reference.</summary>
internal sealed record Options(string Reference, string Arch, int Batch, int Size, int Steps, int Warmup, int Threads,
    int ClassIndex, int Seed, double Tolerance)
{
    public static Options Parse(string[] args)
    {
        var values = new Dictionary<string, string>();
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--")) Fail($"expected --option value, got '{args[i]}'");
            values[args[i][2..]] = args[i + 1];
        }
        if (args.Length % 2 != 0) Fail($"option {args[^1]} has no value");
        string Text(string name, string? fallback) => values.GetValueOrDefault(name) ?? fallback ?? Fail($"--{name} is required");
        int Int(string name, int fallback) =>
            int.TryParse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture, out var v) && v >= 0
                ? v : Fail<int>($"--{name} must be a whole number");
        var known = new[] { "reference", "arch", "batch", "size", "steps", "warmup", "threads", "class", "seed", "tolerance" };
        if (values.Keys.FirstOrDefault(k => !known.Contains(k)) is { } unknown) Fail($"unknown option --{unknown}; expected {string.Join(", ", known)}");
        var tolerance = double.TryParse(Text("tolerance", "1e-3"), CultureInfo.InvariantCulture, out var t) ? t : Fail<double>("--tolerance must be a number");
        return new Options(Text("reference", null), Text("arch", "resnet18"), Int("batch", 1), Int("size", 224), Math.Max(1, Int("steps", 10)),
            Int("warmup", 2), Math.Max(1, Int("threads", Environment.ProcessorCount)), Int("class", 0), Int("seed", 0), tolerance);
    }

    private static string Fail(string message) => Fail<string>(message);

    private static T Fail<T>(string message)
    {
        Console.Error.WriteLine($"torchsharp-step: {message}");
        Environment.Exit(2);
        return default!;
    }
}

/// <summary>TorchVision's models by torchvision's names, random weights until the reference's are loaded.</summary>
internal static class Models
{
    public static nn.Module<Tensor, Tensor> Create(string arch) => arch switch
    {
        "alexnet" => torchvision.models.alexnet(),
        "vgg16" => torchvision.models.vgg16(),
        "vgg19" => torchvision.models.vgg19(),
        "resnet18" => torchvision.models.resnet18(),
        "resnet50" => torchvision.models.resnet50(),
        "mobilenet_v2" => torchvision.models.mobilenet_v2(),
        "googlenet" => torchvision.models.googlenet(),
        "inception_v3" => torchvision.models.inception_v3(),
        _ => throw new ArgumentException($"--arch {arch}: expected alexnet, vgg16, vgg19, resnet18, resnet50, mobilenet_v2, googlenet or inception_v3"),
    };
}

/// <summary>A reference file of bench/pytorch_step.py: the weights as groups LAYER / KIND, and input, logits, input_gradient.</summary>
internal sealed record Reference(float[] Input, long[] Shape, float[] Logits, float[] Gradient, int ClassIndex)
{
    public static Reference Read(string path)
    {
        using var file = H5File.OpenRead(path);
        float[] Data(string name) => file.Dataset(name).Read<float[]>();
        return new Reference(Data("input"), [.. file.Dataset("input").Space.Dimensions.Select(d => (long)d)], Data("logits"),
            Data("input_gradient"), file.Attribute("class_index").Read<int>());
    }

    /// <summary>Copies every tensor of the model's state dict from the file (PyTorch's names); a missing one is an error.</summary>
    public static void Load(nn.Module model, string path)
    {
        using var file = H5File.OpenRead(path);
        using var _ = torch.no_grad();
        // The scope keeps every temporary reachable until the end: a tensor that the finalizer frees while
        // libtorch still reads it crashes the process.
        using var scope = torch.NewDisposeScope();
        foreach (var (name, tensor) in model.state_dict())
        {
            if (name.EndsWith("num_batches_tracked")) continue;
            var dot = name.LastIndexOf('.');
            var data = file.Group(name[..dot]).Dataset(name[(dot + 1)..]).Read<float[]>();
            if (data.Length != tensor.numel()) throw new InvalidDataException($"{path}: {name} has {data.Length} values, the model's {tensor.numel()}");
            tensor.copy_(torch.tensor(data, tensor.shape));
        }
    }

    /// <summary>The relative errors of the model's logits (max) and input gradient (L2) against the reference's.</summary>
    public (double Logits, double Gradient) Check(nn.Module<Tensor, Tensor> model)
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(Input).view(Shape).requires_grad_(true);
        var logits = model.call(x);
        var gradient = torch.autograd.grad([logits.select(1, ClassIndex).sum()], [x])[0];
        var ours = logits.detach().to_type(ScalarType.Float64);
        var theirs = torch.tensor(Logits).view(ours.shape).to_type(ScalarType.Float64);
        var logitError = (ours - theirs).abs().max().item<double>() / Math.Max(theirs.abs().max().item<double>(), 1e-30);
        var g = gradient.to_type(ScalarType.Float64);
        var reference = torch.tensor(Gradient).view(g.shape).to_type(ScalarType.Float64);
        var gradientError = (g - reference).norm().item<double>() / Math.Max(reference.norm().item<double>(), 1e-300);
        return (logitError, gradientError);
    }
}
