using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Layers;
using DeepVis.Ops;
using DeepVis.Optim.Objectives;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>Lucid's diversity, value and gradient, against a direct computation of its formula in double.</summary>
public abstract class DiversityObjectiveTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : DiversityObjectiveTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : DiversityObjectiveTests(fixture, Implementation.Ilgpu);

    private static readonly NetworkLayer Layer = new(0, "features", [], new ReluLayer(), [Network.InputIndex]);

    /// <summary>
    /// Lucid's diversity written out: flattened [B, HW, C] maps, grams = F^T F, each divided by its
    /// Frobenius norm, sum over i of sum over j != i of sum(grams[i] * grams[j]), over B.
    /// </summary>
    private static double Direct(double[] a, int[] shape)
    {
        var (b, c, p) = (shape[0], shape[1], shape[2] * shape[3]);
        var grams = new double[b][];
        for (var i = 0; i < b; i++)
        {
            grams[i] = new double[c * c];
            for (var x = 0; x < c; x++)
                for (var y = 0; y < c; y++)
                    for (var k = 0; k < p; k++) grams[i][x * c + y] += a[(i * c + x) * p + k] * a[(i * c + y) * p + k];
            var norm = Math.Sqrt(grams[i].Sum(v => v * v));
            grams[i] = [.. grams[i].Select(v => v / norm)];
        }
        double sum = 0;
        for (var i = 0; i < b; i++)
            for (var j = 0; j < b; j++)
                if (j != i) sum += grams[i].Zip(grams[j], (u, v) => u * v).Sum();
        return sum / b;
    }

    private int[] RandomShape() => [Between(2, 4), Between(1, 5), Between(1, 4), Between(1, 4)];

    [Fact]
    public void Loss_is_minus_the_weight_times_lucids_diversity()
    {
        var shape = RandomShape();
        var a = Uniform(shape.Aggregate(1, (x, y) => x * y));
        using var objective = new DiversityObjective(Layer, Device, shape, -100f);
        var loss = objective.Loss(Upload(a, shape));
        var expected = 100 * Direct(ToDouble(a), shape);
        Assert.True(Math.Abs(loss.Sum(v => (double)v) - expected) <= 1e-4 * (1 + Math.Abs(expected)),
            $"diversity loss {loss.Sum()} but the formula gives {expected}; {Replay}");
    }

    [Fact]
    public void Gradient_matches_finite_differences()
    {
        var shape = RandomShape();
        var a = Uniform(shape.Aggregate(1, (x, y) => x * y));
        using var objective = new DiversityObjective(Layer, Device, shape, 2f);
        var gradient = Upload(new float[a.Length], shape);
        objective.AddGradient(Upload(a, shape), gradient);
        // The loss is -2 D: the seed of the scalar is -2.
        AssertGradient(v => [Direct(v, shape)], ToDouble(a), [-2.0], gradient.ToArray(), "diversity gradient");
    }
}
