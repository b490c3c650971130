using DeepVis.Kernels.Cpu;
using static DeepVis.Kernels.Cpu.CpuGemm;
using Tensor = DeepVis.Kernels.Runtime.Tensor;

namespace DeepVis.Ops;

/// <summary>
/// One convolution's weights as the cpu device's products read them, made on first use and kept with the layer
/// (<see cref="Conv2dLayer"/>): the packed A panels of the forward (W per group) and of the backward to the input
/// (W^T per group), and the Winograd-transformed filters of each direction and tile size. A network's weights never
/// change while it runs, so each form is made once instead of on every call; each lives in a tensor of the weight's
/// device, so the device's memory accounting (the benchmark's peak memory) counts it. A form is tied to the weight
/// tensor it was made from (a layer's weight tensor is fixed at construction and nothing writes into it; new weights
/// make a new layer) and to the depth blocking it was packed with: a call with another weight or blocking packs its
/// own as before.
/// </summary>
internal sealed unsafe class Conv2dPrepared(Tensor weight) : IDisposable
{
    /// <summary>Which form of the weights: the two products' panels, and Winograd filters per direction and output tile size.</summary>
    internal enum Form { Forward, Backward, WinogradForward2, WinogradForward4, WinogradBackward2, WinogradBackward4 }

    /// <summary>Writes a form into <paramref name="target"/>.</summary>
    public delegate void Fill(float* target);

    private readonly Dictionary<(Form, int Depth), Tensor> _forms = [];
    private readonly Lock _lock = new();

    /// <summary>The weight tensor these forms are made from.</summary>
    public Tensor Weight { get; } = weight;

    /// <summary>Floats held in all forms made so far.</summary>
    public long Floats
    {
        get
        {
            lock (_lock) return _forms.Values.Sum(t => (long)t.Length);
        }
    }

    /// <summary>
    /// The form for this weight and depth blocking, made by <paramref name="make"/> (which fills the given buffer of
    /// <paramref name="floats"/> floats) the first time it is asked for.
    /// </summary>
    public float* Get(Form form, int depth, long floats, Fill make)
    {
        lock (_lock)
        {
            if (!_forms.TryGetValue((form, depth), out var tensor))
            {
                tensor = new Tensor(Weight.Device, checked((int)floats));
                make(tensor.Pointer);
                _forms[(form, depth)] = tensor;
            }
            return tensor.Pointer;
        }
    }

    /// <summary>Whether <paramref name="weight"/> is the tensor these forms were made from.</summary>
    public bool Serves(Tensor weight) => ReferenceEquals(weight, Weight);

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var t in _forms.Values) t.Dispose();
            _forms.Clear();
        }
    }

    /// <summary>Floats of the packed A panels of one product per group: RoundUp(rows, MR) * depth each.</summary>
    public static long PanelFloats(int groups, int rows, int depth) => (long)groups * RoundUp(rows, MR) * depth;
}
