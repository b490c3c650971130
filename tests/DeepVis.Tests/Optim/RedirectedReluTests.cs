using DeepVis.Ops;
using DeepVis.Nets;
using DeepVis.Nets.Layers;
using DeepVis.Optim.Steps;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

public sealed class RedirectedReluTests(DeviceFixture fixture)
{
    [Fact]
    public void Relus_redirect_for_the_first_steps_then_keep_their_own_gradient()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var relus = network.Layers.Select(l => l.Layer).OfType<ReluLayer>().ToList();
        relus[0].Gradient = ReluGradient.PassThrough;
        var hook = new RedirectedRelu(network, 3);
        IStepHook step = hook;
        StepContext At(int s) => new(s, 10, null!, null!, new Random(1));
        step.BeforeForward(At(2));
        Assert.All(relus, r => Assert.Equal(ReluGradient.Redirected, r.Gradient));
        step.BeforeForward(At(3));
        Assert.Equal(ReluGradient.PassThrough, relus[0].Gradient);
        Assert.All(relus.Skip(1), r => Assert.Equal(ReluGradient.Standard, r.Gradient));
        step.BeforeForward(At(0));
        hook.Dispose();
        Assert.Equal(ReluGradient.PassThrough, relus[0].Gradient);
        Assert.All(relus.Skip(1), r => Assert.Equal(ReluGradient.Standard, r.Gradient));
    }
}
