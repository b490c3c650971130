using DeepVis.Nets.Files;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;

namespace DeepVis.Images;

/// <summary>Animated GIFs through SixLabors.ImageSharp: every frame as the full picture it shows, and written back as a looping GIF.</summary>
internal static class GifFile
{
    /// <summary>GIF frame delays are in hundredths of a second; a delay of 0 shows as 10 per second in browsers.</summary>
    private const double DefaultFramesPerSecond = 10;

    /// <summary>Every frame (composited onto the canvas, as a viewer shows it) and the rate of the first frame's delay.</summary>
    public static Movie Read(string path, int channels)
    {
        var (width, height, count) = Frames(path);
        if (count * width * height > ImageLoader.MaxPixels)
            throw new ImageException($"image '{path}' cannot be read: its {count:N0} frames of {width}x{height} pixels are more than the " +
                $"{ImageLoader.MaxPixels / (1024 * 1024)} megapixels DeepVis decodes in all");
        using var image = ImageLoader.Decode(path);
        var frames = new List<PlanarImage>();
        var bytes = new byte[image.Width * image.Height * 3];
        for (var f = 0; f < image.Frames.Count; f++)
        {
            image.Frames[f].CopyPixelDataTo(bytes);
            frames.Add(ImageLoader.ToPlanar(bytes, image.Width, image.Height, 3, channels));
        }
        var delay = image.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay;
        return new Movie(frames, delay > 0 ? 100.0 / delay : DefaultFramesPerSecond);
    }

    /// <summary>
    /// The canvas size and the number of frames, from the file's block structure without decoding:
    /// every frame is decoded to the whole canvas, so a small file of many tiny frames stands for
    /// gigabytes. A structure that ends early stops the count; the decoder reports the damage.
    /// </summary>
    private static (long Width, long Height, long Frames) Frames(string path)
    {
        using var file = new BufferedStream(File.OpenRead(path));
        var head = new byte[13];
        if (file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false) < head.Length) return (0, 0, 0);
        var (width, height) = (head[6] | head[7] << 8, head[8] | head[9] << 8);
        SkipTable(file, head[10]);
        long frames = 0;
        while (file.ReadByte() is var block and (0x21 or 0x2C))
        {
            if (block == 0x21)
            {
                file.ReadByte(); // the extension's label
            }
            else
            {
                var descriptor = new byte[9];
                if (file.ReadAtLeast(descriptor, descriptor.Length, throwOnEndOfStream: false) < descriptor.Length) break;
                SkipTable(file, descriptor[8]);
                file.ReadByte(); // LZW minimum code size
                frames++;
            }
            while (file.ReadByte() is var size and > 0) file.Seek(size, SeekOrigin.Current); // data sub-blocks up to the empty one
        }
        return (width, height, frames);
    }

    /// <summary>Skips the colour table a packed field announces (its high bit; 3 x 2^(n+1) bytes).</summary>
    private static void SkipTable(Stream file, byte packed)
    {
        if ((packed & 0x80) != 0) file.Seek(3 << ((packed & 7) + 1), SeekOrigin.Current);
    }

    /// <summary>Writes planar 0..1 frames (grey or RGB) as a looping GIF, through a temporary file so a failure leaves nothing half-written.</summary>
    public static void Write(IReadOnlyList<PlanarImage> frames, double framesPerSecond, string path)
    {
        var (width, height) = (frames[0].Width, frames[0].Height);
        using var gif = new Image<Rgb24>(width, height);
        gif.Metadata.GetGifMetadata().RepeatCount = 0;
        var delay = (int)Math.Round(100 / framesPerSecond);
        foreach (var frame in frames)
        {
            var added = gif.Frames.AddFrame(Interleaved(frame));
            added.Metadata.GetGifMetadata().FrameDelay = delay;
        }
        gif.Frames.RemoveFrame(0); // the blank frame the image was created with
        // Each frame its own palette from an octree, without dithering: a frame of at most 256 colours (every grey
        // frame) is stored exactly. ImageSharp's palette and Wu quantizers look colours up at 5 bits per channel.
        var encoder = new GifEncoder
        {
            ColorTableMode = GifColorTableMode.Local, Quantizer = new OctreeQuantizer(new QuantizerOptions { Dither = null }),
        };
        OutputFile.Write(path, stream => gif.SaveAsGif(stream, encoder));
    }

    private static Rgb24[] Interleaved(PlanarImage image)
    {
        var plane = image.Height * image.Width;
        var pixels = new Rgb24[plane];
        static byte Byte(float v) => ImageSaver.ToByte(v);
        for (var p = 0; p < plane; p++)
            pixels[p] = image.Channels == 1
                ? new Rgb24(Byte(image.Data[p]), Byte(image.Data[p]), Byte(image.Data[p]))
                : new Rgb24(Byte(image.Data[p]), Byte(image.Data[plane + p]), Byte(image.Data[2 * plane + p]));
        return pixels;
    }
}
