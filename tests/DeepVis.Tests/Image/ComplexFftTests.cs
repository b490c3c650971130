using System.Numerics;
using DeepVis.Kernels.Image;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

/// <summary>The cpu's 1-D complex transform on its own, so every length's plan (stages or Bluestein) is checked directly.</summary>
public sealed class ComplexFftTests(DeviceFixture fixture) : KernelTest(fixture, Implementation.Cpu)
{
    /// <summary>Every length to 40 (all small radix mixes, primes up to the largest butterfly and beyond), then larger smooth, general and Bluestein lengths.</summary>
    public static TheoryData<int> Lengths()
    {
        var data = new TheoryData<int>();
        foreach (var n in Enumerable.Range(1, 40).Concat([41, 64, 74, 97, 113, 224, 227, 299, 454, 480, 1021])) data.Add(n);
        return data;
    }

    [Theory]
    [MemberData(nameof(Lengths))]
    public void Forward_matches_the_dft_for_every_sequence(int n)
    {
        var stride = 2 * Vector<float>.Count;
        var fft = ComplexFft.For(n);
        var data = Uniform(2 * n * stride);
        var (buffer, other, work) = (data.ToArray(), new float[data.Length], new float[fft.WorkFloats(stride)]);
        Array.Fill(other, float.NaN);
        Array.Fill(work, float.NaN);
        var result = fft.Forward(buffer, other, work, stride).ToArray();
        for (var lane = 0; lane < stride; lane += stride - 1)
        {
            var re = Enumerable.Range(0, n).Select(j => (double)data[j * stride + lane]).ToArray();
            var im = Enumerable.Range(0, n).Select(j => (double)data[(n + j) * stride + lane]).ToArray();
            var (expectedRe, expectedIm) = Fft2dReference.Complex(re, im);
            var actual = Enumerable.Range(0, n).Select(k => result[k * stride + lane])
                .Concat(Enumerable.Range(0, n).Select(k => result[(n + k) * stride + lane])).ToArray();
            AssertClose([.. expectedRe, .. expectedIm], actual, 2e-5 * Math.Sqrt(n), $"fft of length {n}, lane {lane}");
        }
    }

    [Fact]
    public void Radices_multiply_to_the_length()
    {
        Assert.Equal([4, 4, 2, 7], ComplexFft.Radices(224));
        Assert.Equal([13, 23], ComplexFft.Radices(299));
        Assert.Equal([2, 227], ComplexFft.Radices(454));
        Assert.Empty(ComplexFft.Radices(1));
    }
}
