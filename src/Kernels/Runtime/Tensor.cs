using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Runtime;

/// <summary>
/// A dense float32 tensor on one device (NCHW for images and feature maps, [N, F] for vectors).
/// Owns its buffer; dispose it to free device memory. Uploads and fills are enqueued on the
/// device stream; <see cref="ToArray"/> waits for the stream, so call it only where the host must see data.
/// </summary>
public sealed class Tensor : IDisposable
{
    private readonly int[] _shape;

    public Tensor(Device device, params int[] shape)
    {
        if (Problem(shape) is { } problem) throw new ShapeException(problem);
        Device = device;
        _shape = (int[])shape.Clone();
        Length = shape.Aggregate(1, (a, b) => a * b);
        Buffer = device.Accelerator.Allocate1D<float>(Length);
        device.TrackAllocation(Buffer.LengthInBytes);
    }

    public Device Device { get; }
    public MemoryBuffer1D<float, Stride1D.Dense> Buffer { get; }
    public ArrayView<float> View => Buffer.View;

    /// <summary>The values in host memory, for the CPU kernels of the <c>cpu</c> device (its buffers are CPU accelerator memory).</summary>
    internal unsafe Span<float> Span => Device.RunsOnHost
        ? new Span<float>((void*)Buffer.NativePtr, Length)
        : throw new InvalidOperationException($"tensor {ShapeText} lives on {Device.Spec}, not in host memory");

    /// <summary>The address of <see cref="Span"/>'s first value, for the CPU matrix kernels.</summary>
    internal unsafe float* Pointer => Device.RunsOnHost
        ? (float*)Buffer.NativePtr
        : throw new InvalidOperationException($"tensor {ShapeText} lives on {Device.Spec}, not in host memory");
    public IReadOnlyList<int> Shape => _shape;
    public int Rank => _shape.Length;
    public int Length { get; }

    /// <summary>Batch size: the first dimension.</summary>
    public int N => _shape[0];
    public int C => Dim4(1);
    public int H => Dim4(2);
    public int W => Dim4(3);

    /// <summary>Elements per batch item (C*H*W for a feature map, F for a vector).</summary>
    public int ItemLength => Length / _shape[0];

    public static Tensor FromArray(Device device, float[] data, params int[] shape)
    {
        var tensor = new Tensor(device, shape);
        try
        {
            tensor.CopyFrom(data);
        }
        catch
        {
            tensor.Dispose();
            throw;
        }
        return tensor;
    }

    public static Tensor Zeros(Device device, params int[] shape)
    {
        var tensor = new Tensor(device, shape);
        if (device.RunsOnHost) tensor.Span.Clear();
        else tensor.Buffer.MemSetToZero(device.Accelerator.DefaultStream);
        return tensor;
    }

    public void CopyFrom(float[] data)
    {
        if (data.Length != Length)
            throw new ArgumentException($"cannot upload {data.Length} values into a tensor of shape {ShapeText} ({Length} values)");
        if (Device.RunsOnHost) data.CopyTo(Span);
        else Buffer.View.CopyFromCPU(Device.Accelerator.DefaultStream, data);
    }

    /// <summary>Downloads the values; waits for every launch enqueued before it.</summary>
    public float[] ToArray()
    {
        if (Device.RunsOnHost) return Span.ToArray();
        var data = new float[Length];
        Buffer.View.CopyToCPU(Device.Accelerator.DefaultStream, data);
        Device.Accelerator.DefaultStream.Synchronize();
        return data;
    }

    public void Fill(float value) => TensorKernels.Fill(this, value);

    public void CopyTo(Tensor destination)
    {
        destination.RequireShape("copy destination", _shape);
        CopyElementsTo(destination);
    }

    /// <summary>Copies the elements into a tensor of another shape with the same number of elements (a reshape).</summary>
    public void CopyElementsTo(Tensor destination)
    {
        if (destination.Length != Length)
            throw new ShapeException($"reshape: {ShapeText} has {Length} elements, {destination.ShapeText} has {destination.Length}");
        if (Device.RunsOnHost) Span.CopyTo(destination.Span);
        else Buffer.View.CopyTo(Device.Accelerator.DefaultStream, destination.View);
    }

    public bool HasShape(params int[] shape) => _shape.AsSpan().SequenceEqual(shape);

    /// <summary>Throws a message naming <paramref name="what"/> and both shapes when they differ.</summary>
    public void RequireShape(string what, params int[] expected)
    {
        if (!HasShape(expected))
            throw new ShapeException($"{what}: expected shape {Format(expected)}, got {ShapeText}");
    }

    public void RequireRank(string what, int rank)
    {
        if (Rank != rank)
            throw new ShapeException($"{what}: expected a rank-{rank} tensor, got shape {ShapeText}");
    }

    public string ShapeText => Format(_shape);

    /// <summary>Why no tensor can have <paramref name="shape"/> (a dimension below 1, more values than one tensor holds), or null.</summary>
    public static string? Problem(IReadOnlyCollection<int> shape) =>
        shape.Count == 0 || shape.Any(d => d <= 0) ? $"tensor shape {Format(shape)}: every dimension must be positive"
        // In double, so that no product of dimensions overflows before it is compared.
        : shape.Aggregate(1.0, (a, b) => a * b) > int.MaxValue
            ? $"tensor shape {Format(shape)}: more values than one tensor holds ({int.MaxValue}); ask for a smaller size or batch"
        : null;

    public static string Format(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";

    public void Dispose()
    {
        if (Buffer.IsDisposed) return;
        Device.TrackAllocation(-Buffer.LengthInBytes);
        Buffer.Dispose();
    }

    private int Dim4(int axis)
    {
        if (_shape.Length != 4) throw new ShapeException($"expected an NCHW tensor, got shape {ShapeText}");
        return _shape[axis];
    }
}

/// <summary>Tensors whose shapes do not fit an operation; the message names the operand and both shapes.</summary>
public sealed class ShapeException(string message) : DeepVisException(message);
