using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Runtime;

/// <summary>
/// The cpu device's partition is fixed by the problem, not by the threads: a network's forward and
/// backward give the same bits with one thread and with several, and on a second run.
/// </summary>
public sealed class CpuDeterminismTests(DeviceFixture fixture)
{
    [Fact]
    public void Forward_and_backward_give_the_same_bits_with_any_thread_count()
    {
        var device = fixture.For(Implementation.Cpu);
        var threads = device.HostThreads;
        try
        {
            // 56x56 images: large enough that convolutions, element-wise ops and pooling split into work items.
            var runs = new[] { 1, 2, 3, 2 }.Select(count =>
            {
                device.HostThreads = count;
                return Run(device);
            }).ToList();
            foreach (var (activation, gradient) in runs.Skip(1))
            {
                Assert.Equal(runs[0].Activation, activation);
                Assert.Equal(runs[0].Gradient, gradient);
            }
        }
        finally
        {
            device.HostThreads = threads;
        }
    }

    private static (float[] Activation, float[] Gradient) Run(Device device)
    {
        using var network = Network.Build(device, TestWeights.MiniVgg());
        int[] shape = [4, 1, 56, 56];
        using var workspace = new Workspace(network, shape, network.Resolve("logits"));
        var rng = new Random(5);
        var x = new float[workspace.Input.Length];
        for (var i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        workspace.OutputGradient.CopyFrom([.. Enumerable.Range(0, workspace.OutputGradient.Length).Select(i => (float)Math.Sin(i))]);
        workspace.Backward();
        return (workspace.OutputOf(network.Resolve("conv2_2").Index).ToArray(), workspace.InputGradient.ToArray());
    }
}
