using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Kernels.Cpu;

/// <summary>
/// The single-precision matrix product under the CPU convolutions and linear layers, laid out as
/// BLIS/GotoBLAS do: operands are packed into panels, A into <see cref="MR"/>-row panels and B into
/// <see cref="NR"/>-column panels, each depth block of <see cref="KC"/> stored contiguously; a
/// register-tiled micro-kernel (<see cref="MR"/> x <see cref="NR"/> of C in twelve 256-bit
/// accumulators, one fused multiply-add per element and depth step) multiplies one A panel by one
/// B panel. Callers decide the blocks (<see cref="CpuBlocking"/>) and the threads; the depth order is
/// always k = 0, 1, ..., so every element of C is the same sum whatever the partition.
/// </summary>
/// <remarks>
/// Packed layout (<see cref="Pack"/>): for the depth block starting at k0 with depth kc, panel p of
/// width w sits at offset paddedWidth * k0 + p * w * kc, and element (k, j) of the panel at
/// (k - k0) * w + j; columns past the matrix are zero, so the micro-kernel never branches.
/// </remarks>
internal static unsafe class CpuGemm
{
    /// <summary>Rows of C per micro-tile (A panel width).</summary>
    public const int MR = 6;

    /// <summary>Columns of C per micro-tile (B panel width): two 8-float vectors.</summary>
    public const int NR = 16;

    public static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>
    /// Packs the columns of a K x <paramref name="columns"/> matrix (element (k, j) at
    /// src[k * kStride + j * jStride]) into panels of <paramref name="width"/> columns; dst holds
    /// RoundUp(columns, width) * k floats. A is packed as its transpose (k along A's columns).
    /// </summary>
    public static void Pack(Device device, float* src, int k, int columns, long kStride, long jStride, int width, int depth, float* dst)
    {
        var padded = RoundUp(columns, width);
        var panels = padded / width;
        var blocks = (k + depth - 1) / depth;
        CpuParallel.For(device, panels * blocks, (long)width * depth, item =>
        {
            var (block, panel) = (item / panels, item % panels);
            var k0 = block * depth;
            var kc = Math.Min(depth, k - k0);
            var target = dst + (long)padded * k0 + (long)panel * width * kc;
            var j0 = panel * width;
            var valid = Math.Min(width, columns - j0);
            for (var kk = 0; kk < kc; kk++)
            {
                var row = src + (k0 + kk) * kStride + j0 * jStride;
                var d = target + kk * width;
                var j = 0;
                if (jStride == 1)
                    for (; j < valid; j++) d[j] = row[j];
                else
                    for (; j < valid; j++) d[j] = row[j * jStride];
                for (; j < width; j++) d[j] = 0f;
            }
        });
    }

    /// <summary>
    /// C (+)= A * B over one depth block of depth kc: <paramref name="a"/> points at the first of
    /// <paramref name="rowPanels"/> packed A panels, <paramref name="b"/> at the first of
    /// <paramref name="columnPanels"/> packed B panels of the same block; C is a dense block of
    /// rowPanels * MR rows and columnPanels * NR columns with row stride <paramref name="ldc"/>.
    /// <paramref name="accumulate"/> false overwrites C (the first depth block).
    /// </summary>
    public static void Multiply(float* a, float* b, int kc, int rowPanels, int columnPanels, float* c, int ldc, bool accumulate)
    {
        for (var jr = 0; jr < columnPanels; jr++)
        {
            var bp = b + (long)jr * NR * kc;
            for (var ir = 0; ir < rowPanels; ir++)
                MicroTile(kc, a + (long)ir * MR * kc, bp, c + (long)ir * MR * ldc + jr * NR, ldc, accumulate);
        }
    }

    /// <summary>The 6 x 16 micro-kernel: twelve accumulators, B's two vectors and one broadcast of A.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroTile(int kc, float* a, float* b, float* c, int ldc, bool accumulate)
    {
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (accumulate)
        {
            c00 = Vector256.Load(c); c01 = Vector256.Load(c + 8);
            c10 = Vector256.Load(c + ldc); c11 = Vector256.Load(c + ldc + 8);
            c20 = Vector256.Load(c + 2 * ldc); c21 = Vector256.Load(c + 2 * ldc + 8);
            c30 = Vector256.Load(c + 3 * ldc); c31 = Vector256.Load(c + 3 * ldc + 8);
            c40 = Vector256.Load(c + 4 * ldc); c41 = Vector256.Load(c + 4 * ldc + 8);
            c50 = Vector256.Load(c + 5 * ldc); c51 = Vector256.Load(c + 5 * ldc + 8);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        for (var k = 0; k < kc; k++)
        {
            var b0 = Vector256.Load(b);
            var b1 = Vector256.Load(b + 8);
            var ak = Vector256.Create(a[0]);
            c00 = MulAdd(ak, b0, c00); c01 = MulAdd(ak, b1, c01);
            ak = Vector256.Create(a[1]);
            c10 = MulAdd(ak, b0, c10); c11 = MulAdd(ak, b1, c11);
            ak = Vector256.Create(a[2]);
            c20 = MulAdd(ak, b0, c20); c21 = MulAdd(ak, b1, c21);
            ak = Vector256.Create(a[3]);
            c30 = MulAdd(ak, b0, c30); c31 = MulAdd(ak, b1, c31);
            ak = Vector256.Create(a[4]);
            c40 = MulAdd(ak, b0, c40); c41 = MulAdd(ak, b1, c41);
            ak = Vector256.Create(a[5]);
            c50 = MulAdd(ak, b0, c50); c51 = MulAdd(ak, b1, c51);
            a += MR;
            b += NR;
        }
        c00.Store(c); c01.Store(c + 8);
        c10.Store(c + ldc); c11.Store(c + ldc + 8);
        c20.Store(c + 2 * ldc); c21.Store(c + 2 * ldc + 8);
        c30.Store(c + 3 * ldc); c31.Store(c + 3 * ldc + 8);
        c40.Store(c + 4 * ldc); c41.Store(c + 4 * ldc + 8);
        c50.Store(c + 5 * ldc); c51.Store(c + 5 * ldc + 8);
    }

    /// <summary>a * b + c, fused where the processor has FMA.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MulAdd(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.IsSupported ? Fma.MultiplyAdd(a, b, c) : a * b + c;
}
