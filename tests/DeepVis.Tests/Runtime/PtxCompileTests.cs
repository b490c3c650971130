using System.Reflection;
using DeepVis.Kernels.Image;
using DeepVis.Kernels.Unary;
using DeepVis.Ops;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;

namespace DeepVis.Tests.Runtime;

/// <summary>
/// Every kernel through ILGPU's CUDA backend, for the H100's sm_90, with no GPU present: the suite
/// otherwise runs the kernels on the CPU accelerator only, and a construct the PTX backend rejects would
/// first show on a GPU machine. The ops' kernels are found from the registry (each op's kernel classes),
/// the image, update and GEMM kernels of DeepVis.Kernels by convention; a kernel is a static void method
/// named *Kernel, implicitly grouped when its first parameter is an index, explicitly otherwise. An
/// element-wise function (<see cref="IUnaryFunction"/>) contributes the generic pair of
/// <see cref="UnaryKernels"/> closed over it.
/// </summary>
public sealed class PtxCompileTests : IDisposable
{
    private static readonly Assembly[] Kernels = [typeof(Conv2d).Assembly, typeof(Dft2d).Assembly];

    private static readonly Type[] KernelClasses =
        [.. OpRegistry.All.SelectMany(op => op.Kernels), .. typeof(Dft2d).Assembly.GetTypes()];

    private readonly Context _context = Context.Create(builder => builder.Cuda().EnableAlgorithms().Optimize(OptimizationLevel.O2));
    private readonly PTXBackend _backend;

    public PtxCompileTests() =>
        _backend = new PTXBackend(_context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90,
            CudaInstructionSet.ISA_80, null);

    public void Dispose() => _context.Dispose();

    private static IEnumerable<MethodInfo> KernelMethods(IEnumerable<Type> types) =>
        types.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
            .Where(m => m.Name.EndsWith("Kernel", StringComparison.Ordinal) && m.ReturnType == typeof(void));

    /// <summary>The non-generic kernels of the classes, and the element-wise pair closed over each function among them.</summary>
    private static IEnumerable<MethodInfo> CompilableKernels(params Type[] types) =>
        KernelMethods(types).Where(m => !m.IsGenericMethodDefinition).Concat(
            types.Where(t => t.IsValueType && typeof(IUnaryFunction).IsAssignableFrom(t))
                .SelectMany(f => KernelMethods(new[] { typeof(UnaryKernels) }).Select(m => m.MakeGenericMethod(f))));

    [Fact]
    public void Every_registered_op_contributes_kernels_and_no_op_kernel_is_unregistered()
    {
        foreach (var op in OpRegistry.All.Where(op => !op.CopiesOnly))
            Assert.True(CompilableKernels([.. op.Kernels]).Any(), $"{op.Name}: none of {string.Join(", ", op.Kernels.Select(k => k.Name))} has a *Kernel method");
        // An op folder whose kernels are missing from the registry would escape this test and the kernel matrix.
        var registered = OpRegistry.All.SelectMany(op => op.Kernels).ToHashSet();
        var stray = typeof(Conv2d).Assembly.GetTypes().Where(t => !registered.Contains(t) && CompilableKernels(t).Any());
        Assert.Empty(stray);
    }

    private string Compile(MethodInfo kernel)
    {
        var parameters = kernel.GetParameters();
        var implicitlyGrouped = parameters.Length > 0 && parameters[0].ParameterType is var first &&
            (first == typeof(Index1D) || first == typeof(Index2D) || first == typeof(Index3D));
        var entry = implicitlyGrouped
            ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        return ((PTXCompiledKernel)_backend.Compile(entry, new KernelSpecialization())).PTXAssembly;
    }

    [Fact]
    public void Every_kernel_compiles_to_ptx()
    {
        var kernels = CompilableKernels(KernelClasses).ToList();
        // The discovery must see the engine, not an empty set.
        Assert.Contains(kernels, m => m.DeclaringType == typeof(Conv2d) && m.Name == "ForwardKernel");
        Assert.Contains(kernels, m => m.DeclaringType == typeof(Linear) && m.Name == "GemvKernel");
        // The graph networks' ops (ResNet, DenseNet, GoogLeNet, Inception v3, MobileNetV2, SqueezeNet).
        foreach (var (type, name) in new[]
                 {
                     (typeof(BatchNorm2d), "ForwardKernel"), (typeof(BatchNorm2d), "BackwardKernel"),
                     (typeof(Add), "ForwardKernel"),
                     (typeof(Concat), "ForwardKernel"), (typeof(Concat), "BackwardKernel"),
                     (typeof(Clip), "ForwardKernel"), (typeof(Clip), "BackwardKernel"),
                     (typeof(DeepVis.Kernels.Update.Adam), "ApplyKernel"),
                     // Feature visualization (render): spectral images, colour, squashing, transforms.
                     (typeof(Dft2d), "SynthesizeColumnsKernel"), (typeof(Dft2d), "SynthesizeRowsKernel"),
                     (typeof(Dft2d), "AnalyzeRowsKernel"), (typeof(Dft2d), "AnalyzeColumnsKernel"),
                     (typeof(SpectralScale), "ApplyKernel"), (typeof(ColorDecorrelation), "ApplyKernel"),
                     (typeof(AffineSample), "ForwardKernel"), (typeof(AffineSample), "BackwardKernel"),
                     (typeof(Gram), "ForwardKernel"), (typeof(Gram), "BackwardKernel"), (typeof(Diversity), "PairsKernel"),
                     (typeof(Diversity), "GramGradientKernel"), (typeof(DirectionCosine), "ValuesKernel"), (typeof(DirectionCosine), "AddGradientKernel"),
                     (typeof(Relu), "RedirectedKernel"),
                 })
            Assert.Contains(kernels, m => m.DeclaringType == type && m.Name == name);
        // The element-wise functions (the render parameterization's sigmoid among them), each through the generic pair.
        foreach (var function in new[] { typeof(Sigmoid), typeof(Tanh), typeof(Gelu) })
            foreach (var name in new[] { "ForwardKernel", "BackwardKernel" })
                Assert.Contains(kernels, m => m.DeclaringType == typeof(UnaryKernels) && m.Name == name && m.GetGenericArguments().SequenceEqual([function]));
        Assert.True(kernels.Count >= 57, $"found only {kernels.Count} kernels");
        var failures = new List<string>();
        foreach (var kernel in kernels)
        {
            try
            {
                Assert.Contains(".entry", Compile(kernel));
            }
            catch (Exception e)
            {
                failures.Add($"{kernel.DeclaringType!.Name}.{kernel.Name}: {e.GetType().Name}: {e.Message}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    // The tiled product for each problem: shared-memory slabs with barriers, and the 4x4 accumulators
    // in registers (a spill to local memory would cost more than the tiles save).
    [Fact]
    public void Tiled_product_compiles_with_shared_tiles_and_register_blocks()
    {
        var generic = Assert.Single(KernelMethods(KernelClasses), m => m.IsGenericMethodDefinition && m.DeclaringType != typeof(UnaryKernels));
        var problems = Kernels.SelectMany(a => a.GetTypes()).Where(t => t.IsValueType && t.GetInterface("IGemmProblem") is not null).ToList();
        Assert.Equal(3, problems.Count);
        foreach (var problem in problems)
        {
            var ptx = Compile(generic.MakeGenericMethod(problem));
            Assert.True(ptx.Contains("bar.sync") && ptx.Contains("ld.shared.f32"), $"{problem.Name}: no shared-memory tiles in the PTX");
            Assert.False(ptx.Contains("ld.local"), $"{problem.Name}: the accumulators spill to local memory");
        }
    }
}
