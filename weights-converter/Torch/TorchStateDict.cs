using DeepVis.Nets.Weights;
using DeepVis.WeightsConverter.Pickle;
using DeepVis.WeightsConverter.Torch;

namespace DeepVis.WeightsConverter;

/// <summary>
/// Reads a PyTorch state dict (what torch.save(model.state_dict(), path) writes) without Python,
/// in either serialization: the zip one (PyTorch &gt;= 1.6) or the legacy one (older PyTorch, and
/// torchvision's vgg16-397923af.pth, vgg19-dcbb9e9d.pth, alexnet-owt-7be5be79.pth).
/// </summary>
public static class TorchStateDict
{
    /// <summary>
    /// The checkpoint's floating-point tensors in file (state-dict) order, as float32: float64,
    /// float16 and bfloat16 storages are converted; strided or offset views are copied out
    /// row-major. Integer and bool tensors (BatchNorm's num_batches_tracked) are skipped. A
    /// training checkpoint that keeps its weights under "state_dict" or "model" is unwrapped.
    /// </summary>
    /// <exception cref="WeightsFormatException">not a PyTorch checkpoint, truncated, or a pickle
    /// using an opcode or global outside what a state dict needs (a pickled model, say)</exception>
    public static IReadOnlyList<WeightTensor> Read(string path)
    {
        FileStream file;
        try
        {
            file = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw WeightsFormatException.For(path, $"cannot open ({e.Message})", e);
        }
        using (file)
        {
            Span<byte> head = stackalloc byte[4];
            var n = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
            file.Position = 0;
            var isZip = n == 4 && head[0] == 'P' && head[1] == 'K' && head[2] == 3 && head[3] == 4;
            if (!isZip && !LegacyCheckpoint.LooksLike(head[..n]))
                throw LegacyCheckpoint.NotTorch(path);
            var format = isZip ? "PyTorch zip checkpoint" : "legacy torch.save checkpoint";
            try
            {
                return isZip ? ZipCheckpoint.Read(path, file) : LegacyCheckpoint.Read(path, file);
            }
            catch (PickleException e)
            {
                throw WeightsFormatException.For(path, $"{e.Message} (expected a {format} holding a state dict)", e);
            }
            catch (EndOfStreamException e)
            {
                throw WeightsFormatException.For(path, $"truncated file (the {format} ends early)", e);
            }
            catch (InvalidDataException e)
            {
                throw WeightsFormatException.For(path, $"corrupt {format} ({e.Message})", e);
            }
        }
    }
}
